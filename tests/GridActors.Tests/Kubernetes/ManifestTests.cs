using System.Globalization;
using GridActors.Silo;
using GridActors.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace GridActors.Tests.Kubernetes;

/// <summary>
/// No Kubernetes cluster runs here, so the manifests in k8s/ are checked by reading them: the fields that decide
/// whether the silos form a cluster, the gateways reach it, the probes hit real endpoints and every selector
/// selects what it should.
/// </summary>
public sealed class ManifestTests
{
    private const string Silo = "gridactors-silo";
    private const string Gateway = "gridactors-gateway";

    private readonly Manifests _manifests = Manifests.Load();

    [Fact]
    public void EveryManifest_Parses_AndNamesItsKind()
    {
        Assert.NotEmpty(_manifests.All);
        foreach (var manifest in _manifests.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(manifest.Root.TextOrNull("apiVersion")), $"{manifest.File}: apiVersion");
            Assert.False(string.IsNullOrWhiteSpace(manifest.Root.TextOrNull("kind")), $"{manifest.File}: kind");
            if (manifest.Kind != "Kustomization")
            {
                Assert.False(string.IsNullOrWhiteSpace(manifest.Name), $"{manifest.File}: metadata.name");
            }
        }
        Assert.Equal([Gateway, Silo], _manifests.OfKind("Deployment").Select(d => d.Name).Order());
    }

    [Fact]
    public void EachKustomization_ListsEveryManifestInItsFolder()
    {
        foreach (var kustomization in _manifests.OfKind("Kustomization"))
        {
            var folder = Path.GetDirectoryName(Path.Combine(_manifests.Root, kustomization.File))!;
            var resources = kustomization.Root.Texts("resources").ToList();
            var patches = kustomization.Root.Maps("patches").Select(p => p.Text("path")).ToList();
            var listed = resources.Concat(patches).ToList();
            Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());

            var files = Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").ToList();
            Assert.All(files, file => Assert.True(listed.Contains(file!), $"{kustomization.File} does not list {file}"));
            foreach (var entry in listed)
            {
                var path = Path.GetFullPath(Path.Combine(folder, entry));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"{kustomization.File} lists {entry}, which does not exist");
            }
        }
        Assert.Contains(_manifests.OfKind("Kustomization"), k => k.File == "kustomization.yaml");
    }

    [Fact]
    public void TheSilos_AdvertiseThePodIp_OnNamedPorts_WithTheThreeProbes()
    {
        var silo = _manifests.Single("Deployment", Silo, "");
        var pod = PodSpec(silo);
        var container = Assert.Single(pod.Maps("containers"));
        Assert.Equal(Silo, container.Text("image"));

        var ports = Ports(container);
        Assert.Equal(new Dictionary<string, int> { ["http"] = 8080, ["silo"] = 11111, ["gateway"] = 30000 }, ports);
        var env = Env(container);
        Assert.Equal("status.podIP", env["Orleans__AdvertisedIP"].Map("valueFrom").Map("fieldRef").Text("fieldPath"));
        Assert.Equal("status.podIP", env["POD_IP"].Map("valueFrom").Map("fieldRef").Text("fieldPath"));
        Assert.Equal(ports["silo"].ToString(CultureInfo.InvariantCulture), env["Orleans__SiloPort"].Text("value"));
        Assert.Equal(ports["gateway"].ToString(CultureInfo.InvariantCulture), env["Orleans__GatewayPort"].Text("value"));
        Assert.Equal(ports["http"].ToString(CultureInfo.InvariantCulture), env["ASPNETCORE_HTTP_PORTS"].Text("value"));

        Assert.Equal(("/health/startup", "http"), Probe(container, "startupProbe"));
        Assert.Equal(("/health/ready", "http"), Probe(container, "readinessProbe"));
        Assert.Equal(("/health/live", "http"), Probe(container, "livenessProbe"));
        // A slow start (schema, joining) must not be taken for a dead process: the startup probe allows minutes.
        var startup = container.Map("startupProbe");
        Assert.True(int.Parse(startup.Text("periodSeconds"), CultureInfo.InvariantCulture) * int.Parse(startup.Text("failureThreshold"), CultureInfo.InvariantCulture) >= 120);

        var rollout = silo.Root.Map("spec").Map("strategy").Map("rollingUpdate");
        Assert.Equal("0", rollout.Text("maxUnavailable"));
        Assert.True(int.Parse(silo.Root.Map("spec").Text("replicas"), CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public void TheGateway_IsAnOrleansClient_BehindAService_ScaledByAnAutoscaler()
    {
        var gateway = _manifests.Single("Deployment", Gateway, "");
        var container = Assert.Single(PodSpec(gateway).Maps("containers"));
        Assert.Equal(Gateway, container.Text("image"));
        Assert.Equal(new Dictionary<string, int> { ["http"] = 8080 }, Ports(container));
        var env = Env(container);
        Assert.Equal("false", env["Gateway__CoHostSilo"].Text("value"));
        Assert.Equal(("/health/startup", "http"), Probe(container, "startupProbe"));
        // Ready while the cluster is down, so callers get 503 + Retry-After rather than refused connections.
        Assert.Equal(("/health/startup", "http"), Probe(container, "readinessProbe"));
        Assert.Equal(("/health/live", "http"), Probe(container, "livenessProbe"));

        var service = _manifests.Single("Service", Gateway, "");
        var port = Assert.Single(service.Root.Map("spec").Maps("ports"));
        Assert.Equal("http", port.Text("targetPort"));
        Assert.True(Selects(service.Root.Map("spec").Strings("selector"), gateway));

        var hpa = _manifests.Single("HorizontalPodAutoscaler", Gateway, "");
        Assert.Equal("autoscaling/v2", hpa.Root.Text("apiVersion"));
        var target = hpa.Root.Map("spec").Map("scaleTargetRef");
        Assert.Equal(("apps/v1", "Deployment", Gateway), (target.Text("apiVersion"), target.Text("kind"), target.Text("name")));
        var (min, max) = (int.Parse(hpa.Root.Map("spec").Text("minReplicas"), CultureInfo.InvariantCulture), int.Parse(hpa.Root.Map("spec").Text("maxReplicas"), CultureInfo.InvariantCulture));
        Assert.InRange(min, 2, max);
    }

    [Fact]
    public void Selectors_MatchTheLabelsTheySelect()
    {
        var workloads = _manifests.All.Where(m => m.Kind is "Deployment" or "StatefulSet" or "Job").ToList();
        foreach (var workload in workloads.Where(w => w.Kind != "Job"))
        {
            var selector = workload.Root.Map("spec").Map("selector").Strings("matchLabels");
            Assert.NotEmpty(selector);
            Assert.True(Selects(selector, workload), $"{workload}: spec.selector does not match its pod template labels");
            foreach (var spread in PodSpec(workload).Maps("topologySpreadConstraints"))
            {
                Assert.True(Selects(spread.Map("labelSelector").Strings("matchLabels"), workload), $"{workload}: topology spread selector");
            }
        }

        // Each budget protects exactly one workload, the intended one.
        foreach (var (budget, protectedWorkload) in new[] { (Silo, Silo), (Gateway, Gateway) })
        {
            var pdb = _manifests.Single("PodDisruptionBudget", budget, "");
            Assert.Equal("policy/v1", pdb.Root.Text("apiVersion"));
            var selector = pdb.Root.Map("spec").Map("selector").Strings("matchLabels");
            var matched = Assert.Single(workloads, w => Selects(selector, w));
            Assert.Equal(protectedWorkload, matched.Name);
        }
        var siloBudget = _manifests.Single("PodDisruptionBudget", Silo, "").Root.Map("spec");
        Assert.Equal("1", siloBudget.Text("maxUnavailable"));

        // Every Service with a selector selects exactly one workload, and its target ports are named ports of it.
        foreach (var service in _manifests.OfKind("Service").Where(s => s.Root.Map("spec").Strings("selector").Count > 0))
        {
            var matched = Assert.Single(workloads, w => Selects(service.Root.Map("spec").Strings("selector"), w));
            var names = PodSpec(matched).Maps("containers").SelectMany(c => Ports(c).Keys).ToHashSet();
            Assert.All(service.Root.Map("spec").Maps("ports"), p => Assert.Contains(p.Text("targetPort"), names));
        }
    }

    [Fact]
    public void TheConfigMapAndSecret_ConfigureTheClusterProfile_ForEveryProcess()
    {
        var config = _manifests.Single("ConfigMap", "gridactors-config", "").Root.Strings("data");
        var secret = _manifests.Single("Secret", "gridactors-storage", "").Root.Strings("stringData");
        foreach (var key in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER" })
        {
            Assert.False(string.IsNullOrWhiteSpace(config.GetValueOrDefault(key)), $"the ConfigMap sets no {key}");
        }
        Assert.DoesNotContain(config.Keys, key => key.Contains("ConnectionString", StringComparison.Ordinal) || key.Contains("Password", StringComparison.OrdinalIgnoreCase));

        // What a process reads: the ConfigMap, the Secret and its own env, as environment variables (__ = :).
        var settings = config.Concat(secret).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
        Assert.False(string.IsNullOrWhiteSpace(secret.GetValueOrDefault("Auth__BootstrapAdminKey")), "the gateways need a first admin key");
        var options = StorageOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Assert.Equal(StorageProvider.PostgreSQL, options.Provider);
        Assert.False(string.IsNullOrWhiteSpace(options.ServiceId));
        Assert.False(string.IsNullOrWhiteSpace(options.ClusterId));
        var connection = new NpgsqlConnectionStringBuilder(options.ResolveConnectionString());
        Assert.Equal("gridactors-postgres", connection.Host);
        Assert.Equal(5432, connection.Port);
        Assert.InRange(connection.MaxPoolSize, 5, 50);
        var database = _manifests.Single("Service", connection.Host!, "");
        Assert.Equal(connection.Port.ToString(CultureInfo.InvariantCulture), Assert.Single(database.Root.Map("spec").Maps("ports")).Text("port"));

        // Every process that needs them reads both, by names that exist; each names itself for telemetry.
        var names = _manifests.All.Where(m => m.Kind is "ConfigMap" or "Secret").Select(m => m.Name).ToHashSet();
        foreach (var workload in new[] { _manifests.Single("Deployment", Silo, ""), _manifests.Single("Deployment", Gateway, ""), _manifests.Single("Job", "gridactors-schema", "") })
        {
            var container = Assert.Single(PodSpec(workload).Maps("containers"));
            var sources = container.Maps("envFrom").Select(e => (e.Get("configMapRef") ?? e.Get("secretRef")) as YamlMappingNode).Select(r => r!.Text("name")).ToList();
            Assert.Equal(["gridactors-config", "gridactors-storage"], sources.Order());
            Assert.All(sources, s => Assert.Contains(s, names));
        }
        foreach (var name in new[] { Silo, Gateway })
        {
            Assert.Equal(name, Env(Assert.Single(PodSpec(_manifests.Single("Deployment", name, "")).Maps("containers")))["OTEL_SERVICE_NAME"].Text("value"));
        }
    }

    [Fact]
    public void TheSchemaJob_RunsTheSiloImage_WithTheInstallOnlySwitch()
    {
        var job = _manifests.Single("Job", "gridactors-schema", "");
        var pod = PodSpec(job);
        var container = Assert.Single(pod.Maps("containers"));
        Assert.Equal(Silo, container.Text("image"));
        Assert.Equal([SiloProgram.InstallSchemaOnly], container.Texts("args"));
        Assert.Contains(pod.Text("restartPolicy"), new[] { "OnFailure", "Never" });
    }

    [Fact]
    public void ShutdownIsGraceful_TheHostStopsBeforeKubernetesKillsIt()
    {
        foreach (var name in new[] { Silo, Gateway })
        {
            var pod = PodSpec(_manifests.Single("Deployment", name, ""));
            var container = Assert.Single(pod.Maps("containers"));
            var shutdown = int.Parse(Env(container)["DOTNET_SHUTDOWNTIMEOUTSECONDS"].Text("value"), CultureInfo.InvariantCulture);
            var preStop = container.Get("lifecycle") is YamlMappingNode lifecycle
                ? int.Parse(lifecycle.Map("preStop").Map("sleep").Text("seconds"), CultureInfo.InvariantCulture)
                : 0;
            var grace = int.Parse(pod.Text("terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
            Assert.True(grace > preStop + shutdown, $"{name}: terminationGracePeriodSeconds {grace} must exceed preStop {preStop} s + host shutdown {shutdown} s");
            Assert.Equal("false", pod.Text("automountServiceAccountToken"));
        }
        Assert.True(int.Parse(Env(Assert.Single(PodSpec(_manifests.Single("Deployment", Silo, "")).Maps("containers")))["DOTNET_SHUTDOWNTIMEOUTSECONDS"].Text("value"), CultureInfo.InvariantCulture) >= 30,
            "a silo needs time to deactivate its grains and leave the membership table");
    }

    [Fact]
    public void Images_AreSetByTheKustomization_WithPinnedTags()
    {
        var kustomization = _manifests.All.Single(m => m.Kind == "Kustomization" && m.File == "kustomization.yaml");
        var images = kustomization.Root.Maps("images").ToDictionary(i => i.Text("name"), i => (Name: i.Text("newName"), Tag: i.Text("newTag")));
        var used = _manifests.All.Where(m => m.Kind is "Deployment" or "Job" && !m.File.StartsWith("trial/", StringComparison.Ordinal))
            .SelectMany(m => PodSpec(m).Maps("containers")).Select(c => c.Text("image")).ToHashSet();
        Assert.Equal(new HashSet<string> { Silo, Gateway }, used);
        Assert.All(used, image =>
        {
            Assert.True(images.ContainsKey(image), $"kustomization.yaml does not set image {image}");
            Assert.NotEqual("latest", images[image].Tag);
            Assert.Contains('/', images[image].Name);
        });
        var trialImage = Assert.Single(PodSpec(_manifests.Single("StatefulSet", "gridactors-postgres", "trial")).Maps("containers")).Text("image");
        Assert.Matches(@"^postgres:\d+", trialImage);
    }

    [Fact]
    public void TheDatabase_IsAnExternalService_OrInTheTrial_AStatefulSetWithTheSameName()
    {
        var external = _manifests.Single("Service", "gridactors-postgres", "").Root.Map("spec");
        Assert.Equal("ExternalName", external.Text("type"));
        Assert.False(string.IsNullOrWhiteSpace(external.Text("externalName")));

        var trial = _manifests.All.Single(m => m.Kind == "Kustomization" && m.File == "trial/kustomization.yaml");
        Assert.Contains("../", trial.Root.Texts("resources"));
        var patch = _manifests.Single("Service", "gridactors-postgres", "trial").Root.Map("spec");
        Assert.Equal("ClusterIP", patch.Text("type"));
        // A strategic-merge patch removes a field by setting it to null.
        Assert.True(patch.Get("externalName") is YamlScalarNode { Value: null or "" or "~" or "null" }, "the trial patch must remove externalName");
        var statefulSet = _manifests.Single("StatefulSet", "gridactors-postgres", "trial");
        Assert.Equal("gridactors-postgres", statefulSet.Root.Map("spec").Text("serviceName"));
        Assert.True(Selects(patch.Strings("selector"), statefulSet));
        var container = Assert.Single(PodSpec(statefulSet).Maps("containers"));
        Assert.Equal(Assert.Single(patch.Maps("ports")).Text("targetPort"), Assert.Single(Ports(container).Keys));
        Assert.Single(statefulSet.Root.Map("spec").Maps("volumeClaimTemplates"));

        // The trial database's credentials are the ones the base connection string uses.
        var credentials = _manifests.Single("Secret", "gridactors-postgres-trial", "trial").Root.Strings("stringData");
        var connection = new NpgsqlConnectionStringBuilder(_manifests.Single("Secret", "gridactors-storage", "").Root.Strings("stringData")["Storage__ConnectionString"]);
        Assert.Equal((connection.Username, connection.Password, connection.Database), (credentials["POSTGRES_USER"], credentials["POSTGRES_PASSWORD"], credentials["POSTGRES_DB"]));
        Assert.Contains(credentials.Keys, k => k == "POSTGRES_PASSWORD");
        Assert.Equal("gridactors-postgres-trial", container.Maps("envFrom").Single().Map("secretRef").Text("name"));
    }

    private static YamlMappingNode PodSpec(Manifest workload) => workload.Root.Map("spec").Map("template").Map("spec");

    private static Dictionary<string, string> TemplateLabels(Manifest workload) =>
        workload.Root.Map("spec").Map("template").Map("metadata").Strings("labels");

    private static bool Selects(Dictionary<string, string> selector, Manifest workload)
    {
        var labels = TemplateLabels(workload);
        return selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
    }

    private static Dictionary<string, int> Ports(YamlMappingNode container) =>
        container.Maps("ports").ToDictionary(p => p.Text("name"), p => int.Parse(p.Text("containerPort"), CultureInfo.InvariantCulture));

    private static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        container.Maps("env").ToDictionary(e => e.Text("name"), e => e);

    private static (string Path, string Port) Probe(YamlMappingNode container, string probe)
    {
        var get = container.Map(probe).Map("httpGet");
        return (get.Text("path"), get.Text("port"));
    }
}

namespace GridActors.Grains.Members;

public enum Gender
{
    Male,
    Female,
}

/// <summary>Where a member is and what that allows: a migrant (外出务工) is away from the village.</summary>
public enum MemberStatus
{
    /// <summary>在村: lives in the village.</summary>
    Resident,
    /// <summary>外出务工: away as a migrant worker; cannot hold posts that need presence nor visit households.</summary>
    Migrant,
    /// <summary>老年党员: an elderly member, in the village.</summary>
    Elderly,
    /// <summary>其他, e.g. ill or studying; counted as present.</summary>
    Other,
}

// Education (学历) is shared with cadres: GridActors.Grains.Vocabulary.Education.

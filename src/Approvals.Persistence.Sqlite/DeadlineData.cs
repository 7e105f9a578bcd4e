namespace Approvals.Persistence.Sqlite;

/// <summary>Hand-written data SQL of the migration StageDeadlines, kept apart so the migration can be regenerated.</summary>
public static class DeadlineData
{
    /// <summary>
    /// Plans stored before stage entries were: each entered its stage at its last journal entry (or, never moved, when
    /// it was created), and has entered a stage once at its start and once per journal entry. Due times come from
    /// the workflow definitions, which SQL cannot read: the app fills them in at start-up (DeadlineBackfill).
    /// </summary>
    public const string FillStageEntries = """
        UPDATE "Plans" SET
          "StageEnteredUtc" = COALESCE(
            (SELECT j."AtUtc" FROM "Journal" j WHERE j."PlanId" = "Plans"."Id" ORDER BY j."Id" DESC LIMIT 1),
            "Plans"."CreatedUtc"),
          "StageEntry" = 1 + (SELECT COUNT(*) FROM "Journal" j WHERE j."PlanId" = "Plans"."Id");
        """;
}

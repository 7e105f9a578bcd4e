namespace Approvals.Persistence.Sqlite;

/// <summary>Hand-written data SQL of the migration FourEyesParticipants, kept apart so the migration can be regenerated.</summary>
public static class FourEyesData
{
    /// <summary>
    /// Fills the four-eyes columns of plans stored before them. Edits were not recorded then, so a plan's authors are
    /// its owner and everyone who submitted one of its revisions; the current revision's approvers are those whose
    /// journal entries moved it between two review stages ('draft' is the committee-plan workflow's initial stage).
    /// </summary>
    public const string FillParticipants = """
        UPDATE "Plans" SET
          "ContentAuthors" = (
            SELECT json_group_array("Author") FROM (
              SELECT "Plans"."OwnerId" AS "Author"
              UNION
              SELECT r."SubmittedBy" FROM "PlanRevisions" r WHERE r."PlanId" = "Plans"."Id")),
          "RevisionApprovers" = (
            SELECT json_group_array(DISTINCT j."ActorId") FROM "Journal" j
            WHERE j."PlanId" = "Plans"."Id" AND j."Revision" = "Plans"."Revision" AND j."FromStage" <> 'draft' AND j."ToStage" <> 'draft');
        """;
}

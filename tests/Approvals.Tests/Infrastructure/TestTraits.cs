namespace Approvals.Tests.Infrastructure;

/// <summary>
/// Traits that tests/run.sh filters on. The test command runs the suite twice, on SQLite and on PostgreSQL;
/// tests marked <c>[Trait(TestTraits.Category, TestTraits.NoDatabase)]</c> never touch the database, so the
/// PostgreSQL pass leaves them out (<c>--filter "Category!=NoDatabase"</c>).
/// </summary>
public static class TestTraits
{
    public const string Category = "Category";

    // Not "None": the test adapter's filter takes Category=None to match every test.
    public const string NoDatabase = "NoDatabase";
}

namespace Approvals.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The repository's root folder (the one holding Approvals.sln), found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Approvals.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Approvals.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// A database that outlives the app it is given to (its <see cref="Drop"/> does nothing), so a test can stop an app
/// and start another on the same data. The test drops the inner database itself.
/// </summary>
public sealed class KeptDatabase(TestDatabase inner) : TestDatabase
{
    public TestDatabase Inner => inner;

    public override string Provider => inner.Provider;

    public override string ConnectionString => inner.ConnectionString;

    public override void Prepare() => inner.Prepare();

    public override Task MakeUnreachable() => inner.MakeUnreachable();

    public override Task Drop() => Task.CompletedTask;
}

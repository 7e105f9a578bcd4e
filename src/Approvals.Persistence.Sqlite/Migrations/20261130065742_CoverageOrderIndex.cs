using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// The coverage report reads every plan in council committee order, then title, then id (CoverageReport). Without an
    /// index in that order the database sorts the rows with their stored flagged goals (16 MB at 10,000 plans); with
    /// it, the rows are read in order. The expression is the report's own, committee by committee as Committee.All
    /// lists them; a test checks the report's query still uses the index (a committee added changes the expression
    /// and needs a migration of its own; until then the report is sorted, as before, and still right).
    /// </summary>
    public partial class CoverageOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE INDEX "IX_Plans_CoverageOrder" ON "Plans" (CASE "CommitteeCode" WHEN 'ØU' THEN 0 WHEN 'TMU' THEN 1 WHEN 'BUU' THEN 2 WHEN 'SUD' THEN 3 WHEN 'KFU' THEN 4 WHEN 'SOU' THEN 5 WHEN 'BIU' THEN 6 ELSE 7 END, "Title", "Id");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Plans_CoverageOrder";""");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FourEyesParticipants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContentAuthors",
                table: "Plans",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "RevisionApprovers",
                table: "Plans",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Plans stored before: their authors and approvers, as far as the data then recorded them.
            migrationBuilder.Sql(FourEyesData.FillParticipants);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContentAuthors",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "RevisionApprovers",
                table: "Plans");
        }
    }
}

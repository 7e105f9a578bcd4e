using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StageDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DueUtc",
                table: "Plans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextDeadlineUtc",
                table: "Plans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StageEnteredUtc",
                table: "Plans",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<int>(
                name: "StageEntry",
                table: "Plans",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Plans stored before: when they entered their stage, and how many stage entries they have had.
            migrationBuilder.Sql(DeadlineData.FillStageEntries);

            migrationBuilder.CreateTable(
                name: "DeadlineNotices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StageEntry = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OffsetSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DueUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeadlineNotices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeadlineNotices_PlanContents_PlanId",
                        column: x => x.PlanId,
                        principalTable: "PlanContents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Plans_NextDeadlineUtc",
                table: "Plans",
                column: "NextDeadlineUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DeadlineNotices_PlanId_StageEntry_Kind_OffsetSeconds",
                table: "DeadlineNotices",
                columns: new[] { "PlanId", "StageEntry", "Kind", "OffsetSeconds" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeadlineNotices");

            migrationBuilder.DropIndex(
                name: "IX_Plans_NextDeadlineUtc",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "DueUtc",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "NextDeadlineUtc",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "StageEnteredUtc",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "StageEntry",
                table: "Plans");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Approvals.Persistence.Postgres.Migrations
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextDeadlineUtc",
                table: "Plans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StageEnteredUtc",
                table: "Plans",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<int>(
                name: "StageEntry",
                table: "Plans",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Plans stored before: when they entered their stage, and how many stage entries they have had.
            migrationBuilder.Sql(DeadlineData.FillStageEntries);

            migrationBuilder.CreateTable(
                name: "DeadlineNotices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    StageEntry = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    OffsetSeconds = table.Column<long>(type: "bigint", nullable: false),
                    Stage = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DueUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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

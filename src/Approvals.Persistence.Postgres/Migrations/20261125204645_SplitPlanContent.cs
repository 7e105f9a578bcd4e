using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SplitPlanContent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PlanContents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanContents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanContents_Plans_Id",
                        column: x => x.Id,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The documents move to their own table before the column goes.
            migrationBuilder.Sql("""INSERT INTO "PlanContents" ("Id", "Content") SELECT "Id", "Content" FROM "Plans";""");

            migrationBuilder.DropColumn(
                name: "Content",
                table: "Plans");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Content",
                table: "Plans",
                type: "text",
                nullable: false,
                defaultValue: "")
                .Annotation("Relational:ColumnOrder", 19);

            migrationBuilder.Sql("""UPDATE "Plans" SET "Content" = (SELECT c."Content" FROM "PlanContents" c WHERE c."Id" = "Plans"."Id");""");

            migrationBuilder.DropTable(
                name: "PlanContents");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PlanContentDocument : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_DeadlineNotices_PlanContents_PlanId",
                table: "DeadlineNotices");

            migrationBuilder.DropForeignKey(
                name: "FK_PlanComments_PlanContents_PlanId",
                table: "PlanComments");

            migrationBuilder.AddForeignKey(
                name: "FK_DeadlineNotices_Plans_PlanId",
                table: "DeadlineNotices",
                column: "PlanId",
                principalTable: "Plans",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_PlanComments_Plans_PlanId",
                table: "PlanComments",
                column: "PlanId",
                principalTable: "Plans",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_DeadlineNotices_Plans_PlanId",
                table: "DeadlineNotices");

            migrationBuilder.DropForeignKey(
                name: "FK_PlanComments_Plans_PlanId",
                table: "PlanComments");

            migrationBuilder.AddForeignKey(
                name: "FK_DeadlineNotices_PlanContents_PlanId",
                table: "DeadlineNotices",
                column: "PlanId",
                principalTable: "PlanContents",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_PlanComments_PlanContents_PlanId",
                table: "PlanComments",
                column: "PlanId",
                principalTable: "PlanContents",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}

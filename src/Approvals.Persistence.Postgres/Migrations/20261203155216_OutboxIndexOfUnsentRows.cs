using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Approvals.Persistence.Postgres.Migrations
{
    /// <summary>
    /// The outbox's (SentUtc, Id) index holds the unsent rows only: every query of it asks for those, and a delivery's
    /// mark then deletes the row's entry instead of moving it into an index of every event ever sent (#20).
    /// </summary>
    public partial class OutboxIndexOfUnsentRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_SentUtc_Id",
                table: "Outbox");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_SentUtc_Id",
                table: "Outbox",
                columns: new[] { "SentUtc", "Id" },
                filter: "\"SentUtc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_SentUtc_Id",
                table: "Outbox");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_SentUtc_Id",
                table: "Outbox",
                columns: new[] { "SentUtc", "Id" });
        }
    }
}

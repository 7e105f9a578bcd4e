#!/usr/bin/env bash
# Generates the EF Core migration <Name> for both providers, each into its own migrations assembly:
#   src/Approvals.Persistence.Sqlite/Migrations and src/Approvals.Persistence.Postgres/Migrations.
# Usage: bash tests/scripts/add-migration.sh <Name>
# No database is needed: `migrations add` compares the model with the last snapshot and never connects, so
# the Postgres connection string below names a server that need not exist.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: add-migration.sh <MigrationName>}

dotnet tool restore >/dev/null
# The tool builds the projects but does not restore a never-restored one (NETSDK1004).
dotnet restore src/Approvals.Web --nologo -v q

add() {
  local provider=$1 project=$2 connection=$3
  echo "== $provider: $name -> $project/Migrations"
  dotnet ef migrations add "$name" \
    --project "$project" --startup-project src/Approvals.Web --context ApprovalsDbContext \
    --output-dir Migrations -- \
    --Database:Provider="$provider" --ConnectionStrings:Approvals="$connection"
}

add Sqlite src/Approvals.Persistence.Sqlite "Data Source=:memory:"
add Postgres src/Approvals.Persistence.Postgres "Host=localhost;Database=approvals;Username=approvals;Password=design-time"

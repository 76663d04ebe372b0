"""Send reads to a read replica when one is configured (DATABASE_REPLICA_URL).

Writes, migrations and anything inside a transaction on the primary stay on ``default``, so a
request that writes and then reads (ingest, curation, the admin) sees its own writes.
"""

from __future__ import annotations

from django.db import connections


class ReplicaRouter:
    replica = "replica"

    def db_for_read(self, model, **hints) -> str:
        # Inside an atomic block on the primary a replica could return stale rows.
        if connections["default"].in_atomic_block:
            return "default"
        return self.replica

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == "default"

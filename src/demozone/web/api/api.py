from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="示范区创建评估平台接口", version="1", urls_namespace="api")

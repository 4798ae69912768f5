"""demozone — 示范区创建评估平台."""

__version__ = "0.1.0"

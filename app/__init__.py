"""秦皇岛市应急管理局 “双随机、一公开” random-inspection service."""

__version__ = "0.1.0"

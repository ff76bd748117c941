"""Annual random-inspection plans (抽查计划) and their tasks (抽查任务)."""

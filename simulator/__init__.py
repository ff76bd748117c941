"""Stand-alone imitation of the provincial platform 冀上双随机 (PROVINCIAL_API.md)."""

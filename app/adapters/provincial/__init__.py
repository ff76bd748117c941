"""The provincial platform 冀上双随机: the httpx client, the wire format and an in-memory fake."""

"""The provincial platform 冀上双随机 in domain terms: what we pull from it and what we push to it."""

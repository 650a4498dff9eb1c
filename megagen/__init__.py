"""megagen: grow the City of Blame! as uint8 voxels, level by level."""
__version__ = "0.1.0"

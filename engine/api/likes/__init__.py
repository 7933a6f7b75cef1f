"""Like prediction: `predictLikes` and the like check of `analyzeFeatures`."""

package challenges

// PredictionsSpec is the `predictions:` section: a CSV of predictions scored
// by a metric against hidden labels.
type PredictionsSpec struct{}

// Package cases is kefu's domain: a case, its fields, category, priority,
// department, state machine, history and SLA deadlines. It uses the standard
// library only; storage and channels depend on it, never the other way round.
package cases

// FieldKey is a canonical case field key (SPEC §2). These keys appear in the
// API, exports, transcripts and reports, so they never change spelling.
type FieldKey string

const (
	FieldCustomerName  FieldKey = "customer_name"
	FieldCompany       FieldKey = "company"
	FieldPhone         FieldKey = "phone"
	FieldEmail         FieldKey = "email"
	FieldPurchaseProof FieldKey = "purchase_proof"
	FieldProductModel  FieldKey = "product_model"
	FieldBatch         FieldKey = "batch"
	FieldPurchaseDate  FieldKey = "purchase_date"
	FieldSymptom       FieldKey = "symptom"
	FieldOccurredAt    FieldKey = "occurred_at"
	FieldEnvironment   FieldKey = "environment"
	FieldTried         FieldKey = "tried"
	FieldDemand        FieldKey = "demand"
)

// AllFields lists the canonical keys in the order a person reads a case.
var AllFields = []FieldKey{
	FieldCustomerName, FieldCompany, FieldPhone, FieldEmail, FieldPurchaseProof,
	FieldProductModel, FieldBatch, FieldPurchaseDate, FieldSymptom, FieldOccurredAt,
	FieldEnvironment, FieldTried, FieldDemand,
}

// Valid reports whether k is a canonical key.
func (k FieldKey) Valid() bool {
	for _, f := range AllFields {
		if f == k {
			return true
		}
	}
	return false
}

// Demand is what the customer wants (诉求).
type Demand string

const (
	DemandRepair       Demand = "repair"
	DemandReturn       Demand = "return"
	DemandExchange     Demand = "exchange"
	DemandRefund       Demand = "refund"
	DemandConsultation Demand = "consultation"
	DemandOther        Demand = "other"
)

// Demands lists every demand in the order they are offered as choices.
var Demands = []Demand{DemandRepair, DemandReturn, DemandExchange, DemandRefund, DemandConsultation, DemandOther}

// Valid reports whether d is a known demand.
func (d Demand) Valid() bool {
	for _, x := range Demands {
		if x == d {
			return true
		}
	}
	return false
}

// Unknown is the value stored for a field the customer does not know
// (a batch number often is unknown); it counts as answered.
const Unknown = "unknown"

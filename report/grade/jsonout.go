package grade

import (
	"encoding/json"
	"io"
)

type jsonClass struct {
	Rubric    string        `json:"rubric"`
	MaxPoints float64       `json:"max_points"`
	Criteria  []jsonCrit    `json:"criteria"`
	Students  []jsonStudent `json:"students"`
}

type jsonCrit struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Title    string  `json:"title"`
	Points   float64 `json:"points"`
}

type jsonStudent struct {
	ID       string        `json:"id"`
	Email    string        `json:"email,omitempty"`
	Files    []string      `json:"files"`
	Status   string        `json:"status"`
	Total    float64       `json:"total"`
	Legal    []*Forgery    `json:"legal"`
	Identity []Note        `json:"identity"`
	Advice   []Note        `json:"advice"`
	Warnings []string      `json:"warnings"`
	Criteria []jsonOutcome `json:"criteria"`
}

type jsonOutcome struct {
	ID       string     `json:"id"`
	Met      bool       `json:"met"`
	Points   float64    `json:"points"`
	Evidence []Evidence `json:"evidence"`
}

// WriteJSON writes the whole class as one indented JSON document.
func (c *Class) WriteJSON(w io.Writer) error {
	out := jsonClass{Rubric: c.Rubric.Name, MaxPoints: c.Rubric.MaxPoints(), Criteria: []jsonCrit{}, Students: []jsonStudent{}}
	for _, cr := range c.Rubric.Criteria {
		out.Criteria = append(out.Criteria, jsonCrit{cr.ID, cr.Question, cr.Title.En, cr.Points})
	}
	for _, s := range c.Students {
		js := jsonStudent{ID: s.ID, Email: s.Email, Files: s.Files, Status: s.status(), Total: s.Total,
			Legal: s.Legal, Identity: s.Notes, Advice: s.Advice, Warnings: s.Warnings, Criteria: []jsonOutcome{}}
		if js.Identity == nil {
			js.Identity = []Note{}
		}
		if js.Advice == nil {
			js.Advice = []Note{}
		}
		if js.Files == nil {
			js.Files = []string{}
		}
		if js.Legal == nil {
			js.Legal = []*Forgery{}
		}
		if js.Warnings == nil {
			js.Warnings = []string{}
		}
		for _, o := range s.Outcomes {
			ev := o.Evidence
			if ev == nil {
				ev = []Evidence{}
			}
			js.Criteria = append(js.Criteria, jsonOutcome{o.Criterion.ID, o.Met, o.Points, ev})
		}
		out.Students = append(out.Students, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

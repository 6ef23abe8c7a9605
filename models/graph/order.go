package graph

import (
	"fmt"
	"strings"
)

// resolveInputs maps each node's data inputs to node indices; control
// inputs ("^node") only order execution in TensorFlow and are dropped.
func resolveInputs(nodes []nodeJSON, index map[string]int) ([][]int, error) {
	ins := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.Input {
			if strings.HasPrefix(in, "^") {
				continue
			}
			name, err := tensorNode(in)
			if err != nil {
				return nil, fmt.Errorf("node %q (op %s): %w", n.Name, n.Op, err)
			}
			j, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("node %q (op %s): input %q names no node", n.Name, n.Op, in)
			}
			ins[i] = append(ins[i], j)
		}
	}
	return ins, nil
}

// topoOrder returns the node indices so that every node follows its inputs,
// keeping file order among ready nodes (Kahn's algorithm); a cycle is an
// error naming a node on it.
func topoOrder(nodes []nodeJSON, ins [][]int) ([]int, error) {
	pending := make([]int, len(nodes))
	readers := make([][]int, len(nodes))
	for i, in := range ins {
		pending[i] = len(in)
		for _, j := range in {
			readers[j] = append(readers[j], i)
		}
	}
	order := make([]int, 0, len(nodes))
	for i := range nodes {
		if pending[i] == 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, r := range readers[order[k]] {
			if pending[r]--; pending[r] == 0 {
				order = append(order, r)
			}
		}
	}
	if len(order) < len(nodes) {
		for i, p := range pending {
			if p > 0 {
				return nil, fmt.Errorf("node %q (op %s): its inputs form a cycle", nodes[i].Name, nodes[i].Op)
			}
		}
	}
	return order, nil
}

// plan keeps the steps the outputs need, in order, and records after which
// step each intermediate tensor is last read. A view (Reshape, Identity …)
// shares its input's data, so the input stays alive, and is not overwritten
// in place, while the view is.
func (m *Model) plan(nodes []nodeJSON, ins [][]int, order []int, kernels []built) {
	need := make([]bool, len(nodes))
	for _, o := range m.outSlot {
		need[o] = true
	}
	for k := len(order) - 1; k >= 0; k-- {
		if i := order[k]; need[i] && m.consts[i] == nil {
			for _, j := range ins[i] {
				need[j] = true
			}
		}
	}
	const forever = 1 << 62
	lastUse := make([]int, len(nodes))
	for i := range lastUse {
		lastUse[i] = -1
	}
	for _, i := range order {
		if !need[i] || m.consts[i] != nil || kernels[i].k == nil {
			continue
		}
		s := len(m.steps)
		m.steps = append(m.steps, step{name: nodes[i].Name, op: nodes[i].Op, k: kernels[i].k, in: ins[i][:kernels[i].k.operands()], out: i,
			inPlace: kernels[i].inPlace, view: kernels[i].view})
		for _, j := range m.steps[s].in {
			lastUse[j] = s
		}
	}
	for _, o := range m.outSlot {
		lastUse[o] = forever
	}
	for s := len(m.steps) - 1; s >= 0; s-- { // views keep their source alive
		if st := m.steps[s]; st.view && len(st.in) > 0 {
			lastUse[st.in[0]] = max(lastUse[st.in[0]], lastUse[st.out])
		}
	}
	owned := make([]bool, len(nodes)) // data made by a step, not shared
	for _, st := range m.steps {
		owned[st.out] = !st.view
	}
	for i, s := range lastUse {
		if s >= 0 && s < forever && m.consts[i] == nil {
			m.steps[s].free = append(m.steps[s].free, i)
		}
	}
	for s := range m.steps {
		st := &m.steps[s]
		if !st.inPlace {
			continue
		}
		for k, j := range st.in {
			if owned[j] && lastUse[j] == s {
				st.reuse = append(st.reuse, k)
			}
		}
	}
}

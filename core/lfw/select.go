package lfw

import (
	"slices"
	"sort"
)

// PeopleNames returns the names in a people file (every fold of it).
func PeopleNames(peopleFile string) (map[string]bool, error) {
	folds, err := ReadPeopleFile(peopleFile)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, fold := range folds {
		for _, p := range fold {
			names[p.Name] = true
		}
	}
	return names, nil
}

// pairsWithout returns folds without the pairs that involve a person of the
// people file (every fold of it).
func pairsWithout(folds [][]Pair, peopleFile string) ([][]Pair, error) {
	out, err := PeopleNames(peopleFile)
	if err != nil {
		return nil, err
	}
	kept := make([][]Pair, len(folds))
	for k, fold := range folds {
		for _, p := range fold {
			if !out[p.Name1] && !out[p.Name2] {
				kept[k] = append(kept[k], p)
			}
		}
	}
	return kept, nil
}

// pairImages returns the images of the pairs, sorted, once each.
func pairImages(lists ...[]Pair) []string {
	var images []string
	for _, pairs := range lists {
		for _, p := range pairs {
			images = append(images, p.Image1(), p.Image2())
		}
	}
	return union(images)
}

// extraImages returns the images of the people files' people with
// minImages or more images (at most maxPer each, 0 meaning all) and of the
// pairs files' pairs, sorted, once each.
func extraImages(peopleFiles, pairsFiles []string, maxPer, minImages int) ([]string, error) {
	var images []string
	for _, f := range peopleFiles {
		folds, err := ReadPeopleFile(f)
		if err != nil {
			return nil, err
		}
		for _, fold := range folds {
			for _, p := range fold {
				n := p.Images
				if maxPer > 0 {
					n = min(n, maxPer)
				}
				for i := 1; i <= n && p.Images >= minImages; i++ {
					images = append(images, ImageRel(p.Name, i))
				}
			}
		}
	}
	for _, f := range pairsFiles {
		folds, err := ReadPairsFile(f)
		if err != nil {
			return nil, err
		}
		images = append(images, pairImages(folds...)...)
	}
	return union(images), nil
}

// union returns the strings of the lists, sorted, once each.
func union(lists ...[]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	sort.Strings(all)
	return slices.Compact(all)
}

/// The valid name a misspelt one was most likely meant to be, for "did you mean" in errors.
enum ClosestName {
    /// The candidate nearest to `word` by edit distance (letters added, removed, changed or two
    /// swapped), if it is near enough to be a typo: at most 2 edits, or a third of the word. Ties
    /// go to the alphabetically first candidate, so the message is the same on every run.
    static func find(_ word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased().utf8)
        let limit = max(2, typed.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(typed, Array(candidate.lowercased().utf8))
            guard distance <= limit else { continue }
            if let current = best,
                current.distance < distance || (current.distance == distance && current.name < candidate)
            {
                continue
            }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Damerau–Levenshtein distance (optimal string alignment) between two byte strings.
    static func editDistance(_ first: [UInt8], _ second: [UInt8]) -> Int {
        if first.isEmpty { return second.count }
        if second.isEmpty { return first.count }
        var beforePrevious = [Int](repeating: 0, count: second.count + 1)
        var previous = Array(0...second.count)
        var current = [Int](repeating: 0, count: second.count + 1)
        for i in 1...first.count {
            current[0] = i
            for j in 1...second.count {
                let cost = first[i - 1] == second[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, first[i - 1] == second[j - 2], first[i - 2] == second[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[second.count]
    }
}

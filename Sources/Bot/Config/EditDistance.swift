/// Levenshtein distance, used to suggest the closest known key for a misspelt one.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate closest to `word` (ties: first in order), or nil when nothing is reasonably close.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let upper = word.uppercased()
        var best: (String, Int)?
        for candidate in candidates {
            let d = between(upper, candidate)
            if let current = best, current.1 <= d { continue }
            best = (candidate, d)
        }
        guard let best, best.1 <= Swift.max(3, upper.count / 2) else { return nil }
        return best.0
    }
}

/// Checks that a column's stored numbers are the ones scikit-learn's `partial_fit` derives from
/// `data_min_`, `data_max_` and `feature_range`:
///
///     data_range_ = data_max_ - data_min_
///     scale_      = (hi - lo) / _handle_zeros_in_scale(data_range_)   # tiny ranges -> 1.0
///     min_        = lo - data_min_ * scale_
///
/// computed in float64, or in float32 for a scaler fitted on float32 data. A corrupt or hand-edited file
/// therefore fails to load instead of silently scaling with wrong numbers.
enum ScalerConsistency {
    static func holds(_ c: ColumnScaler) -> Bool {
        holds64(c) || holds32(c)
    }

    static func holds64(_ c: ColumnScaler) -> Bool {
        let range = c.dataMax - c.dataMin
        guard range.bitPattern == c.dataRange.bitPattern else { return false }
        // sklearn >= 1.0 treats ranges below 10 * eps as constant; older versions only exact zeros.
        let candidates = range < 10 * Double.ulpOfOne ? [1.0, range] : [range]
        return candidates.contains { r in
            guard r != 0 else { return false }
            let scale = (c.featureMax - c.featureMin) / r
            let min = c.featureMin - c.dataMin * scale
            return scale.bitPattern == c.scale.bitPattern && min.bitPattern == c.min.bitPattern
        }
    }

    static func holds32(_ c: ColumnScaler) -> Bool {
        let values = [c.dataMin, c.dataMax, c.dataRange, c.scale, c.min]
        guard values.allSatisfy({ Double(Float($0)) == $0 }) else { return false }
        let dataMin = Float(c.dataMin), dataMax = Float(c.dataMax)
        let range = dataMax - dataMin
        guard range == Float(c.dataRange) else { return false }
        let candidates: [Float] = range < 10 * Float.ulpOfOne ? [1, range] : [range]
        return candidates.contains { r in
            guard r != 0 else { return false }
            let scale = Float(c.featureMax - c.featureMin) / r
            let min = Float(c.featureMin) - dataMin * scale
            return scale == Float(c.scale) && min == Float(c.min)
        }
    }
}

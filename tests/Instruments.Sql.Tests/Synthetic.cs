namespace Instruments.Sql.Tests;

/// <summary>
/// A test-only instrument (not shipped, no source: its rules exist to exercise the emitter) with every rounding tie
/// rule, whole and one-decimal rounding, a prorated value rounded twice, negative options, sparse options, reverse keys,
/// inclusive and exclusive bands, an optional and a kept item, derived scores using every operator and function of the
/// expression language (with a division that can be by zero) and flags with three-valued logic.
/// </summary>
internal static class Synthetic
{
    private const string Src = "sources: [\"test rule\"]";

    public static readonly string Yaml = $$"""
        instrument: synthetic
        version: 1.0.0
        title: SQL differential test instrument
        license: { name: test, texts: restricted }
        missing_codes: [-99, -98]
        response_scales:
          five: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d }, { value: 4, label: e } ] }
          sparse: { options: [ { value: 1, label: a }, { value: 3, label: b }, { value: 5, label: c } ] }
          signed: { options: [ { value: -2, label: a }, { value: -1, label: b }, { value: 0, label: c }, { value: 1, label: d }, { value: 2, label: e } ] }
        items:
          - { id: a1, scale: five }
          - { id: a2, scale: five, reverse: true }
          - { id: a3, scale: five }
          - { id: a4, scale: five }
          - { id: a5, scale: five }
          - { id: s1, scale: sparse }
          - { id: s2, scale: sparse, reverse: true }
          - { id: n1, scale: signed }
          - { id: n2, scale: signed }
          - { id: n3, scale: signed, reverse: true }
          - { id: n4, scale: signed }
          - { id: n5, scale: signed }
          - { id: opt, scale: five, optional: true }
          - { id: kept, scale: sparse, keep: true }
        scores:
          - id: halfup
            items: [a1, a2, a3, a4, a5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, ties: half-up, {{Src}} }, {{Src}} }
            bands:
              - { min: 0, max: 6, label: low }
              - { min: 7, below: 13, label: mid }
              - { min: 13, max: 20, label: high }
          - id: halfdown
            items: [n1, n2, n3, n4, n5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, ties: half-down, {{Src}} }, {{Src}} }
          - id: halfeven
            items: [n1, n2, n3, n4, n5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, ties: half-even, {{Src}} }, {{Src}} }
          - id: away
            items: [n1, n2, n3, n4, n5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, ties: half-away-from-zero, {{Src}} }, {{Src}} }
          - id: unstated
            items: [a1, a2, a3, a4, a5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, ties: unstated, {{Src}} }, {{Src}} }
            bands:
              - { min: 0, max: 7, label: low }
              - { min: 8, max: 20, label: high }
          - id: twostep
            items: [n1, n2, n3, n4, n5]
            method: sum
            missing: { max: 2, prorate: true, rounding: { method: nearest, digits: 1, ties: half-even, {{Src}} }, {{Src}} }
            rounding: { method: nearest, ties: half-down, {{Src}} }
          - id: mean1
            items: [a1, a2, a3, a4]
            method: mean
            missing: { max: 1 }
            rounding: { method: nearest, digits: 1, ties: half-even, {{Src}} }
          - id: m
            items: [a1, a3, a4, a5]
            method: mean
            missing: { max: 2 }
            bands:
              - { min: 0, below: 1.5, label: lo }
              - { min: 1.5, below: 2.5, label: mid }
              - { min: 2.5, max: 4, label: hi }
          - id: sparse
            items: [s1, s2]
            method: sum
          - id: d1
            expression: "(halfup - unstated) / (mean1 - 2)"
          - id: d2
            expression: "min(n1, n2, n3) + max(s1, s2) * 2 - abs(n4) + -n5"
          - id: d3
            expression: "sum(a1, a2, opt) + mean(n1, n2, opt) + count(a1, a3, opt)"
          - id: d4
            expression: "round(m * 3.7, 1) + round(m) - round(d2 / 3)"
        flags:
          - { id: f1, when: "a1 >= 3 and (n1 < 0 or opt == 2)" }
          - { id: f2, when: "not (s1 == 3) or d1 > 1" }
          - { id: f3, when: "halfup >= 10 and unstated != 7" }
          - { id: f4, when: "m <= 1.5 or (d3 > 6 and not (opt < 1))" }
        """;
}

//! The statistical model of `fit`: MODEL.md's intensity with observation
//! periods playing phases and observed counts playing attacks, its Poisson
//! log-likelihood and the analytic gradient the optimiser needs.
//!
//! For party `p` on day `t` of period `k`,
//! `λ_p(t) = m_{p,k} (μ_p + E_p(t))`, `E_p(t+1) = β_p E_p(t) + Σ_q α_{q→p} y_q(t)`,
//! `β_p = 0.5^(1/h_p)`, `E_p(0) = 0`, and `y_p(t) ~ Poisson(λ_p(t))`. Because
//! `E` is driven by observed counts, `E_p(t) = Σ_q α_{q→p} S_{qp}(t)` with
//! `S_{qp}(t) = Σ_{s<t} β_p^{t-1-s} y_q(s)`: linear in α for a fixed decay,
//! which makes the gradient a single forward pass.
//!
//! Parameters live in *slots* (a rate, a multiplier, an α, a half-life
//! group). The optimiser works on the logarithms of the free slots; fixed
//! slots keep their natural value (an α fixed at exactly 0 included).

use statrs::function::gamma::ln_gamma;

/// How half-lives are estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HalfLife {
    /// One half-life per party that retaliates against anyone.
    Free,
    /// One half-life shared by every party that retaliates.
    Shared,
    /// A known half-life in days, not estimated.
    Fixed(f64),
}

/// One parameter of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Baseline rate μ of a party.
    Rate(usize),
    /// Multiplier `m` of a party in a period other than the reference.
    Multiplier {
        /// The party.
        party: usize,
        /// The period.
        period: usize,
    },
    /// α of a pair, by index into [`Model::pairs`].
    Alpha(usize),
    /// Half-life of a group of parties (see `Model::group_parties`).
    HalfLife(usize),
}

/// Observed counts and the structure of the parameters.
#[derive(Debug, Clone)]
pub struct Model {
    parties: usize,
    days: usize,
    /// Counts per party and day (burn-in days included).
    y: Vec<Vec<f64>>,
    /// Period of every day (burn-in days: the reference, never used).
    period: Vec<usize>,
    first_scored: usize,
    periods: usize,
    reference: usize,
    pairs: Vec<(usize, usize)>,
    /// Half-life group of every party, if it retaliates and h is estimated.
    group: Vec<Option<usize>>,
    groups: usize,
    fixed_half_life: f64,
    slots: Vec<Slot>,
    /// Σ log y! over scored days: makes the log-likelihood the exact Poisson one.
    log_factorials: f64,
}

impl Model {
    /// A model of `y` (per party, per day), where day `t` belongs to period
    /// `period[t]` and days before `first_scored` only feed memory.
    /// `pairs` lists `(source, target)`: target retaliates against source.
    ///
    /// The caller has validated the shapes (the fit's options do).
    pub(crate) fn new(
        y: Vec<Vec<f64>>,
        period: Vec<usize>,
        first_scored: usize,
        (periods, reference): (usize, usize),
        pairs: Vec<(usize, usize)>,
        half_life: HalfLife,
    ) -> Model {
        let parties = y.len();
        let days = period.len();
        let mut group = vec![None; parties];
        let mut groups = 0;
        let fixed_half_life = match half_life {
            HalfLife::Fixed(h) => h,
            _ => super::DEFAULT_HALF_LIFE,
        };
        for (p, grp) in group.iter_mut().enumerate() {
            if !pairs.iter().any(|&(_, t)| t == p) {
                continue;
            }
            match half_life {
                HalfLife::Free => {
                    *grp = Some(groups);
                    groups += 1;
                }
                HalfLife::Shared => {
                    *grp = Some(0);
                    groups = 1;
                }
                HalfLife::Fixed(_) => {}
            }
        }
        let mut slots: Vec<Slot> = (0..parties).map(Slot::Rate).collect();
        for p in 0..parties {
            for k in (0..periods).filter(|&k| k != reference) {
                slots.push(Slot::Multiplier {
                    party: p,
                    period: k,
                });
            }
        }
        slots.extend((0..pairs.len()).map(Slot::Alpha));
        slots.extend((0..groups).map(Slot::HalfLife));
        let log_factorials = y
            .iter()
            .flat_map(|row| row[first_scored..].iter())
            .map(|&v| ln_gamma(v + 1.0))
            .sum();
        Model {
            parties,
            days,
            y,
            period,
            first_scored,
            periods,
            reference,
            pairs,
            group,
            groups,
            fixed_half_life,
            slots,
            log_factorials,
        }
    }

    /// The same structure with other counts of the same shape (a simulated
    /// replicate).
    pub(crate) fn with_counts(&self, y: Vec<Vec<f64>>) -> Model {
        let log_factorials = y
            .iter()
            .flat_map(|row| row[self.first_scored..].iter())
            .map(|&v| ln_gamma(v + 1.0))
            .sum();
        Model {
            y,
            log_factorials,
            ..self.clone()
        }
    }

    /// Number of parties.
    pub(crate) fn parties(&self) -> usize {
        self.parties
    }

    /// Number of periods.
    pub(crate) fn periods(&self) -> usize {
        self.periods
    }

    /// The reference period (multiplier 1).
    pub(crate) fn reference(&self) -> usize {
        self.reference
    }

    /// `(source, target)` pairs with an α.
    pub(crate) fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// Every parameter, in the order of a value vector.
    pub(crate) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Parties whose half-life is the slot `HalfLife(g)`.
    pub(crate) fn group_parties(&self, g: usize) -> Vec<usize> {
        (0..self.parties)
            .filter(|&p| self.group[p] == Some(g))
            .collect()
    }

    /// Number of half-life groups.
    pub(crate) fn groups(&self) -> usize {
        self.groups
    }

    /// Scored days (after the burn-in).
    pub fn scored_days(&self) -> usize {
        self.days - self.first_scored
    }

    /// Counts of party `p` on the scored days.
    pub(crate) fn scored(&self, p: usize) -> &[f64] {
        &self.y[p][self.first_scored..]
    }

    /// Period of every scored day.
    pub(crate) fn scored_periods(&self) -> &[usize] {
        &self.period[self.first_scored..]
    }

    /// The half-life of party `p` under `values` (a fixed one if it is not
    /// estimated).
    pub(crate) fn half_life(&self, values: &[f64], p: usize) -> f64 {
        match self.group[p] {
            Some(g) => values[self.slots.len() - self.groups + g],
            None => self.fixed_half_life,
        }
    }

    /// Multiplier of party `p` in period `k` under `values`.
    pub(crate) fn multiplier(&self, values: &[f64], p: usize, k: usize) -> f64 {
        if k == self.reference {
            return 1.0;
        }
        let skip = usize::from(k > self.reference);
        values[self.parties + p * (self.periods - 1) + k - skip]
    }

    /// α of pair `j` under `values`.
    pub(crate) fn alpha(&self, values: &[f64], j: usize) -> f64 {
        values[self.parties * self.periods + j]
    }

    /// The log-likelihood of `values` (natural scale, one per slot).
    pub(crate) fn log_likelihood(&self, values: &[f64]) -> f64 {
        self.pass(values, None, None)
    }

    /// The log-likelihood, and in `grad` its derivative with respect to the
    /// logarithm of every slot.
    pub(crate) fn log_likelihood_grad(&self, values: &[f64], grad: &mut [f64]) -> f64 {
        self.pass(values, Some(grad), None)
    }

    /// One-step-ahead intensities `λ_p(t)` on the scored days.
    pub(crate) fn intensities(&self, values: &[f64]) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::with_capacity(self.scored_days()); self.parties];
        self.pass(values, None, Some(&mut out));
        out
    }

    /// The forward pass shared by the likelihood, its gradient and the
    /// intensities.
    fn pass(
        &self,
        v: &[f64],
        mut grad: Option<&mut [f64]>,
        mut lambdas: Option<&mut Vec<Vec<f64>>>,
    ) -> f64 {
        if let Some(g) = grad.as_deref_mut() {
            g.fill(0.0);
        }
        let mut ll = -self.log_factorials;
        let mut s = Vec::new();
        let mut d = Vec::new();
        for p in 0..self.parties {
            let incoming: Vec<(usize, usize)> = (0..self.pairs.len())
                .filter(|&j| self.pairs[j].1 == p)
                .map(|j| (j, self.pairs[j].0))
                .collect();
            let h = self.half_life(v, p);
            let beta = 0.5f64.powf(1.0 / h);
            let mu = v[p];
            s.clear();
            s.resize(incoming.len(), 0.0);
            d.clear();
            d.resize(incoming.len(), 0.0);
            let (mut g_mu, mut g_beta) = (0.0, 0.0);
            for t in 0..self.days {
                if t >= self.first_scored {
                    let k = self.period[t];
                    let m = self.multiplier(v, p, k);
                    let mut e = 0.0;
                    let mut de = 0.0;
                    for (i, &(j, _)) in incoming.iter().enumerate() {
                        let a = self.alpha(v, j);
                        e += a * s[i];
                        de += a * d[i];
                    }
                    let lambda = m * (mu + e);
                    let y = self.y[p][t];
                    if y > 0.0 {
                        ll += y * lambda.ln();
                    }
                    ll -= lambda;
                    if let Some(out) = lambdas.as_deref_mut() {
                        out[p].push(lambda);
                    }
                    if let Some(g) = grad.as_deref_mut() {
                        let r = if lambda > 0.0 { y / lambda - 1.0 } else { -1.0 };
                        g_mu += r * m;
                        if k != self.reference {
                            let skip = usize::from(k > self.reference);
                            g[self.parties + p * (self.periods - 1) + k - skip] += r * lambda;
                        }
                        for (i, &(j, _)) in incoming.iter().enumerate() {
                            g[self.parties * self.periods + j] += r * m * s[i];
                        }
                        g_beta += r * m * de;
                    }
                }
                for (i, &(_, q)) in incoming.iter().enumerate() {
                    d[i] = beta * d[i] + s[i];
                    s[i] = beta * s[i] + self.y[q][t];
                }
            }
            if let Some(g) = grad.as_deref_mut() {
                g[p] = g_mu * mu;
                if let Some(grp) = self.group[p] {
                    // dβ/d log h = β ln2 / h.
                    g[self.slots.len() - self.groups + grp] +=
                        g_beta * beta * std::f64::consts::LN_2 / h;
                }
            }
        }
        if let Some(g) = grad {
            for (j, gj) in g[self.parties * self.periods..][..self.pairs.len()]
                .iter_mut()
                .enumerate()
            {
                *gj *= self.alpha(v, j);
            }
        }
        ll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One self-excited party over two days in two periods, with the first
    /// `burn_in` days unscored, and its parameters.
    fn two_days(burn_in: usize) -> (Model, [f64; 4]) {
        let y = vec![vec![2.0, 1.0]];
        let m = Model::new(y, vec![0, 1], burn_in, (2, 0), vec![(0, 0)], HalfLife::Free);
        (m, [0.5, 2.0, 0.25, 1.0])
    }

    /// One party, self-excited, two days, two periods; every number by hand.
    #[test]
    fn a_hand_computed_likelihood_exactly() {
        // y = [2, 1], period = [0, 1], μ = 0.5, m_1 = 2, α = 0.25, h = 1 (β = 0.5).
        // Day 0: E = 0, λ = 0.5;   log p = 2 ln 0.5 − 0.5 − ln 2!
        // Day 1: E = 0.25·2 = 0.5, λ = 2 (0.5 + 0.5) = 2;  log p = ln 2 − 2 − ln 1!
        let (m, v) = two_days(0);
        let expected = (2.0 * 0.5f64.ln() - 0.5 - 2f64.ln()) + (2f64.ln() - 2.0);
        let got = m.log_likelihood(&v);
        // ln 2! comes from ln Γ(3): equal to ln 2 up to rounding.
        assert!((got - expected).abs() < 1e-14, "{got} vs {expected}");
        assert_eq!(m.intensities(&v), vec![vec![0.5, 2.0]]);
    }

    #[test]
    fn burn_in_days_feed_memory_but_not_the_likelihood() {
        // Same as above with day 0 a burn-in day: only day 1 counts.
        let (m, v) = two_days(1);
        let got = m.log_likelihood(&v);
        assert!((got - (2f64.ln() - 2.0)).abs() < 1e-14, "{got}");
    }

    /// The analytic gradient against central differences on the log scale,
    /// for two parties, three periods, cross- and self-excitation, free and
    /// shared half-lives.
    #[test]
    fn the_gradient_matches_finite_differences() {
        let y0 = [0., 2., 1., 3., 0., 0., 1., 4., 2., 1., 0., 2.];
        let y1 = [1., 0., 0., 2., 1., 3., 0., 1., 1., 0., 2., 1.];
        let period = vec![0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
        for hl in [HalfLife::Free, HalfLife::Shared, HalfLife::Fixed(3.0)] {
            let m = Model::new(
                vec![y0.to_vec(), y1.to_vec()],
                period.clone(),
                1,
                (3, 1),
                vec![(0, 1), (1, 1), (1, 0)],
                hl,
            );
            let mut v = vec![0.8, 1.3, 0.5, 1.7, 0.9, 0.6, 0.3, 0.2, 0.4];
            v.extend([2.5, 1.5][..m.groups()].iter());
            assert_eq!(v.len(), m.slots().len());
            let mut g = vec![0.0; v.len()];
            m.log_likelihood_grad(&v, &mut g);
            for i in 0..v.len() {
                let h: f64 = 1e-6;
                let (mut up, mut down) = (v.clone(), v.clone());
                up[i] = v[i] * h.exp();
                down[i] = v[i] * (-h).exp();
                let fd = (m.log_likelihood(&up) - m.log_likelihood(&down)) / (2.0 * h);
                assert!(
                    (fd - g[i]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{hl:?} slot {:?}: analytic {} finite difference {fd}",
                    m.slots()[i],
                    g[i]
                );
            }
        }
    }
}

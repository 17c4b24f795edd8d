//! The tangents benchmarked in `benches/forward.rs` agree: generated `_jvp`
//! = hand-written tangent = `⟨∇f, t⟩` from the generated `_grad` to ~1e-12
//! relative; the seed layer's tangent satisfies the adjoint identity with
//! its pullback; the projectile's five full gradients agree with each other
//! and with finite differences; and every value is the function's own
//! (the layer's up to rounding: its sums start at `b`). The
//! functions are the benchmark's own, included from `benches/common/`.

#[path = "../../benches/common/forward_problems.rs"]
mod forward_problems;

// `drivers.rs` is included once per crate, by `bench_models`.
use crate::bench_models::drivers::{agree, assert_agree, Rng};
use crate::common::{close, fd_grad};
use forward_problems::*;

/// Two correct tangents that round differently.
const EXACT: f64 = 1e-12;

/// `⟨g, t⟩`.
fn dot(g: &[f64], t: &[f64]) -> f64 {
    g.iter().zip(t).map(|(g, t)| g * t).sum()
}

/// Checks one scalar problem at `x` in direction `t`: the generated value is
/// `f(x)` bit for bit, its tangent equals the hand-written one and `⟨∇f, t⟩`,
/// and in each unit direction it is the gradient's entry.
fn check_scalar<const N: usize>(
    what: &str,
    x: &[f64; N],
    t: &[f64; N],
    f: impl Fn(&[f64; N]) -> f64,
    gen: impl Fn(&[f64; N], &[f64; N]) -> (f64, f64),
    hand: impl Fn(&[f64; N], &[f64; N]) -> (f64, f64),
    grad: impl Fn(&[f64; N]) -> (f64, [f64; N]),
) {
    let (v, dv) = gen(x, t);
    assert_eq!(v.to_bits(), f(x).to_bits(), "{what}: value");
    let (hv, hdv) = hand(x, t);
    assert_agree(&format!("{what}: hand"), &[v, dv], &[hv, hdv], EXACT);
    let (gv, g) = grad(x);
    assert_eq!(gv.to_bits(), v.to_bits(), "{what}: _grad's value");
    // ⟨∇f, t⟩ on the scale of the terms (the sum may cancel).
    let scale: f64 = g.iter().zip(t).map(|(g, t)| (g * t).abs()).sum();
    close(&format!("{what}: <grad, t>"), dv, dot(&g, t), EXACT, scale);
    for i in 0..N {
        let mut e = [0.0; N];
        e[i] = 1.0;
        close(&format!("{what}: e{i}"), gen(x, &e).1, g[i], EXACT, 1e-300);
    }
}

fn direction<const N: usize>(rng: &mut Rng) -> [f64; N] {
    rng.array(-1.0, 1.0)
}

#[test]
fn rosenbrock_and_wood() {
    let rosen = |p: &[f64; 2]| rosenbrock(p[0], p[1]);
    let mut rng = Rng::new(1);
    let mut pts: Vec<[f64; 2]> = vec![[-1.2, 1.0], [1.0, 1.0]];
    pts.extend((0..200).map(|_| rng.array(-3.0, 3.0)));
    for p in &pts {
        let t = direction(&mut rng);
        check_scalar(
            "rosenbrock",
            p,
            &t,
            rosen,
            rosenbrock_gen,
            rosenbrock_hand,
            rosenbrock_gradient,
        );
    }
    // MGH's published gradient at x0 = (-1.2, 1): (-215.6, -88).
    let (_, t) = rosenbrock_gen(&[-1.2, 1.0], &[0.5, -2.0]);
    close("rosenbrock at x0", t, -215.6 * 0.5 + 88.0 * 2.0, 1e-13, 1.0);

    let wood_ref = |p: &[f64; 4]| wood(*p);
    let mut pts: Vec<[f64; 4]> = vec![[-3.0, -1.0, -3.0, -1.0], [1.0; 4]];
    pts.extend((0..200).map(|_| rng.array(-3.0, 3.0)));
    for p in &pts {
        let t = direction(&mut rng);
        check_scalar("wood", p, &t, wood_ref, wood_gen, wood_hand, wood_gradient);
    }
    // f = 0, ∇f = 0 at the minimiser: the tangent is 0 in every direction.
    assert_eq!(wood_gen(&[1.0; 4], &[0.3, -0.7, 1.1, 2.0]), (0.0, 0.0));
}

#[test]
fn extended_rosenbrock() {
    let f = |x: &[f64; EXT_N]| ext_rosenbrock(*x);
    let mut rng = Rng::new(21);
    let x0: [f64; EXT_N] = core::array::from_fn(|i| if i % 2 == 0 { -1.2 } else { 1.0 });
    let mut pts = vec![x0, [1.0; EXT_N]];
    pts.extend((0..20).map(|_| rng.array(-2.0, 2.0)));
    for x in &pts {
        let t = direction(&mut rng);
        check_scalar(
            "ext_rosenbrock",
            x,
            &t,
            f,
            ext_rosenbrock_gen,
            ext_rosenbrock_hand,
            ext_rosenbrock_gradient,
        );
    }
}

fn layer_point(rng: &mut Rng) -> LayerPoint {
    LayerPoint {
        w: rng.matrix(-1.0, 1.0),
        b: rng.array(-1.0, 1.0),
    }
}

fn layer_sample(rng: &mut Rng) -> LayerSample {
    LayerSample {
        x: rng.array(0.0, 1.0),
        tw: rng.matrix(-1.0, 1.0),
        tb: rng.array(-1.0, 1.0),
    }
}

/// The layer: generated = hand-written, the value is `layer`'s own, and
/// `⟨jvp(Ẇ, ḃ), w̄⟩ = ⟨Ẇ, W̄⟩ + ⟨ḃ, b̄⟩` with `(W̄, b̄)` the pullback of `w̄`.
#[test]
fn seed_layer() {
    let mut rng = Rng::new(16);
    for k in 0..50 {
        let p = layer_point(&mut rng);
        let s = layer_sample(&mut rng);
        let (a, da) = layer_gen(&p, &s);
        let (ha, hda) = layer_hand(&p, &s);
        // `w.t() * x + b` is emitted as `tmul_add`, whose sums start at `b`
        // (docs/how-it-works.md), as the hand-written loop's do: the same
        // value as `layer` up to rounding, as the hand-written one's.
        let primal = layer(p.w.into(), p.b.into(), s.x.into()).to_array();
        assert_agree(&format!("layer {k}: value"), &a.to_array(), &primal, EXACT);
        assert_agree(&format!("layer {k}: hand value"), &a.to_array(), &ha, EXACT);
        assert_agree(&format!("layer {k}: tangent"), &da.to_array(), &hda, EXACT);
        // The benchmark's diagnostic copy (without `Wᵀ·0`) computes the same.
        assert_eq!(layer_gen_edited(&p, &s), (a, da), "layer {k}: edited copy");
        let seed: [f64; LAYER_OUT] = rng.array(-1.0, 1.0);
        let (va, dw, db) = layer_pullback(&p, &s.x, &seed);
        assert_eq!(va, a, "layer {k}: _vjp's value");
        let lhs = dot(&da.to_array(), &seed);
        let rhs =
            dot(s.tw.as_flattened(), dw.to_array().as_flattened()) + dot(&s.tb, &db.to_array());
        close(
            &format!("layer {k}: adjoint identity"),
            lhs,
            rhs,
            EXACT,
            1.0,
        );
    }
}

fn launches() -> Vec<[f64; 2]> {
    let mut rng = Rng::new(200);
    let mut pts = vec![
        [20.0, core::f64::consts::FRAC_PI_4],
        [10.0, 0.3],
        [30.0, 1.2],
    ];
    pts.extend((0..30).map(|_| [rng.uniform(10.0, 30.0), rng.uniform(0.3, 1.2)]));
    pts
}

/// The projectile's full gradient, five ways, and central differences.
#[test]
fn projectile_gradients_agree() {
    let flat = |r: Grad2| [r.0, r.1[0], r.1[1]];
    for p in launches() {
        let v = projectile(p[0], p[1]);
        let gen = flat(projectile_jvp_x2(&p));
        assert_eq!(gen[0].to_bits(), v.to_bits(), "projectile value at {p:?}");
        for (name, f) in [
            ("reverse", projectile_reverse as fn(&[f64; 2]) -> Grad2),
            ("dual64", projectile_dual64),
            ("dualvec", projectile_dualvec),
            ("hand x2", projectile_hand_x2),
            ("hand both", projectile_hand_both),
        ] {
            assert_agree(
                &format!("projectile {name} at {p:?}"),
                &gen,
                &flat(f(&p)),
                EXACT,
            );
        }
        // The same primal operations, in the same order: the same value.
        assert_eq!(projectile_hand_x2(&p).0.to_bits(), v.to_bits());
        assert_eq!(projectile_reverse(&p).0.to_bits(), v.to_bits());
        let fd = fd_grad(|q| projectile(q[0], q[1]), p);
        assert_agree(&format!("projectile fd at {p:?}"), &gen[1..], &fd, 1e-7);
    }
}

/// The tangent is linear in the direction: `jvp(t) = t₀ ∂ₛ + t₁ ∂_θ`, and
/// the hand-written tangent agrees in any direction, not only the unit ones.
#[test]
fn projectile_tangent_in_any_direction() {
    let mut rng = Rng::new(3);
    for p in launches() {
        let (_, g) = projectile_reverse(&p);
        let t: [f64; 2] = direction(&mut rng);
        let (v, dv) = projectile_jvp(p[0], p[1], t[0], t[1]);
        let (hv, hdv) = projectile_tangent_hand(&p, &t);
        assert_eq!(v.to_bits(), hv.to_bits());
        let scale = (g[0] * t[0]).abs() + (g[1] * t[1]).abs();
        close("projectile <grad, t>", dv, dot(&g, &t), EXACT, scale);
        close("projectile hand", hdv, dv, EXACT, scale);
    }
}

/// The comparisons are not vacuous: a tangent off by 1e-10 relative fails.
#[test]
fn a_wrong_tangent_fails() {
    let (p, t) = ([0.3, -0.8], [0.6, 0.4]);
    let (v, dv) = rosenbrock_gen(&p, &t);
    assert_eq!(agree(&[v, dv * (1.0 + 1e-10)], &[v, dv], EXACT), Err(1));
    let g = projectile_jvp_x2(&[20.0, 0.8]).1;
    let wrong = [g[0], g[1] * (1.0 + 1e-10)];
    assert_eq!(agree(&wrong, &g, EXACT), Err(1));
}

/// The flight's whole final state: its Jacobian four ways (vector mode,
/// one `_jvp` per column, by hand, num-dual's `jacobian`), and central
/// differences.
#[test]
fn trajectory_jacobians_agree() {
    let flat = |r: Jac4| {
        let mut v = r.0.to_vec();
        v.extend(r.1);
        v.extend(r.2);
        v
    };
    for p in launches() {
        let gen = trajectory_gen(&p);
        assert_eq!(gen.0, trajectory(p[0], p[1]), "trajectory value at {p:?}");
        for (name, f) in [
            ("columns", trajectory_columns as fn(&[f64; 2]) -> Jac4),
            ("hand", trajectory_hand),
            ("dualvec", trajectory_dualvec),
        ] {
            let what = format!("trajectory {name} at {p:?}");
            assert_agree(&what, &flat(gen), &flat(f(&p)), EXACT);
        }
        for r in 0..4 {
            let fd = fd_grad(|q| trajectory(q[0], q[1])[r], p);
            let what = format!("trajectory fd, output {r}, at {p:?}");
            assert_agree(&what, &[gen.1[r], gen.2[r]], &fd, 1e-6);
        }
    }
}

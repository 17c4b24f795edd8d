//! The checks shared by the modules that test functions of scalar
//! arguments (`primitives`, `regressions`): `_grad`, `_vjp` and `_jvp`
//! against the dual-number oracle and finite differences, in one precision
//! (`check_as!`) or in f64 and f32 (`check!`).

/// Checks `$m::f` (and `$m::f_grad`, `$m::f_vjp`) in one precision; the
/// arguments are named by `[$a, ...]` and the points are `[[f64; N]]`.
macro_rules! check_as {
    ($T:ty, $m:ident [$($a:ident),+] $cfg:expr; $pts:expr) => {
        $crate::common::On::<$T>::check(
            stringify!($m),
            $cfg,
            $pts,
            |v| {
                let [$($a),+] = v;
                $m::f($($a),+)
            },
            |v| {
                let [$($a),+] = v;
                let (value, $($a),+) = $m::f_grad($($a),+);
                (value, [$($a),+])
            },
            |v, seed| {
                let [$($a),+] = v;
                let (value, $($a),+) = $m::f_vjp($($a,)+ seed);
                (value, [$($a),+])
            },
            |v| {
                let [$($a),+] = v;
                $m::f($($a),+)
            },
        );
        $crate::common::On::<$T>::check_jvp(
            stringify!($m),
            $cfg,
            $pts,
            |v| {
                let [$($a),+] = v;
                let (value, $($a),+) = $m::f_grad($($a),+);
                (value, [$($a),+])
            },
            |v, t| {
                let [$($a),+] = v;
                // The tangents in order: `$a` only drives the repetition.
                let mut k = 0usize;
                $m::f_jvp($($a,)+ $({ let _ = &$a; k += 1; t[k - 1] }),+)
            },
            |v| {
                let [$($a),+] = v;
                $m::f($($a),+)
            },
        );
        $crate::common::On::<$T>::check_hessian(
            stringify!($m),
            $cfg,
            $pts,
            |v| {
                let [$($a),+] = v;
                let (value, $($a),+) = $m::f_grad($($a),+);
                (value, [$($a),+])
            },
            |v| {
                let [$($a),+] = v;
                $m::f_hessian($($a),+)
            },
            |v, t| {
                let [$($a),+] = v;
                let mut k = 0usize;
                let out = $m::f_hvp($($a,)+ $({ let _ = &$a; k += 1; t[k - 1] }),+);
                second_order_split!(out; $($a),+)
            },
            $crate::common::On::<$T>::nested(|v| {
                let [$($a),+] = v;
                $m::f($($a),+)
            }),
        )
    };
}

/// `(value, g..., hv...)` from `_hvp` as `(value, [g...], [hv...])`.
macro_rules! second_order_split {
    ($out:expr; $a:ident) => {{
        let (value, g, h) = $out;
        (value, [g], [h])
    }};
    ($out:expr; $a:ident, $b:ident) => {{
        let (value, g0, g1, h0, h1) = $out;
        (value, [g0, g1], [h0, h1])
    }};
    ($out:expr; $a:ident, $b:ident, $c:ident) => {{
        let (value, g0, g1, g2, h0, h1, h2) = $out;
        (value, [g0, g1, g2], [h0, h1, h2])
    }};
    ($out:expr; $a:ident, $b:ident, $c:ident, $d:ident) => {{
        let (value, g0, g1, g2, g3, h0, h1, h2, h3) = $out;
        (value, [g0, g1, g2, g3], [h0, h1, h2, h3])
    }};
}

/// The same points in f64 and in f32.
macro_rules! check {
    ($m:ident [$($a:ident),+] $cfg:expr; $pts:expr) => {
        check_as!(f64, $m [$($a),+] $cfg; $pts);
        check_as!(f32, $m [$($a),+] $cfg; $pts);
    };
}

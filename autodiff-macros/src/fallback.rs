//! When the body cannot be differentiated: the errors, the original function
//! untouched, and stubs with the right signatures, so the user sees the real
//! mistake instead of a cascade of "cannot find function `f_grad`".

use crate::names::Names;
use crate::sig::Sig;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

pub fn stub(item: &ItemFn, sig: &Sig, names: &Names, errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    let (vjp_sig, grad_sig) = names.signatures(item, sig);
    let grad = if sig.returns_many() {
        names.tensor_grad_stub(item, sig)
    } else {
        quote! {
            #[allow(unused_variables, clippy::too_many_arguments, clippy::type_complexity)]
            #grad_sig {
                ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
            }
        }
    };
    let graph = names.graph_fn(item, "");
    let second = crate::hessian::fallback(item, sig, names);
    let plans = crate::jacobian::Plans {
        rows: None,
        graph: None,
    };
    let jacobian = crate::jacobian::jacobian(item, sig, names, plans);
    let pullback_sig = names.pullback_sig(item, sig);
    let jvp_sig = names.jvp_sig(item, sig);
    let pushforward_sig = names.pushforward_sig(item, sig);
    let rules = names.rules(
        item,
        sig,
        quote! {
            #[allow(unused_variables)]
            #pullback_sig {
                ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
            }
            #[allow(unused_variables)]
            #pushforward_sig {
                ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
            }
        },
    );
    quote! {
        #errors
        // Loops must index (iterators have no compile-time trip count), so
        // clippy's advice to iterate instead does not apply here.
        #[allow(clippy::needless_range_loop)]
        #item
        #[allow(unused_variables, clippy::too_many_arguments, clippy::type_complexity)]
        #vjp_sig {
            ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
        }
        #grad
        #[allow(unused_variables, clippy::too_many_arguments, clippy::type_complexity)]
        #jvp_sig {
            ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
        }
        #rules
        #jacobian
        #second
        #graph
    }
}

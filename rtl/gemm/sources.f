# rtl/gemm/sources.f — the source list of the GEMM-only core (a second implementation of
# the core contract, rtl/README.md): `make cosim-lib RTL_LIST=rtl/gemm/sources.f`.
# One entry per line: --top-module NAME, -IDIR (include path), or a source file.
--top-module einsim_gemm_top
-Irtl
rtl/lint.vlt
rtl/einsim_seq.v
rtl/einsim_ring.v
rtl/einsim_dma.v
rtl/einsim_traffic.v
rtl/einsim_glb.v
rtl/einsim_zbuf.v
rtl/einsim_delay.v
rtl/einsim_sat.v
rtl/einsim_from_acc.v
rtl/gemm/einsim_gemm_pe.v
rtl/gemm/einsim_gemm_array.v
rtl/gemm/einsim_gemm_top.v

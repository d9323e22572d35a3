// einsim_fx.vh — the fixed-point operations of sim/func/fixed.h as Verilog functions,
// bit-exact with fx_* in sim/func/fixed.c. Included inside a module that defines the
// localparams W (word bits), F (fractional bits) and A (accumulator bits); every
// intermediate is an XW-bit signed value, wide enough for a product plus an accumulator
// (A + 1 or 2W + 1 bits; W + F < 2W bounds the shifted words, the exp's argument times
// log2(e) and the divider's dividend) and no wider: at W = 16, A = 32 it is 34 bits, one
// 64-bit word for Verilator, where 80 bits made every PE's exp sequence and MAC
// functions multi-word arithmetic (VL_MULS_WWW) evaluated each cycle.
localparam integer XW = ((A > 2 * W) ? A : 2 * W) + 2;

function automatic signed [W-1:0] fx_satw(input signed [XW-1:0] x);
  localparam signed [XW-1:0] HI = (XW'(1) <<< (W - 1)) - XW'(1);
  localparam signed [XW-1:0] LO = -(XW'(1) <<< (W - 1));
  fx_satw = (x > HI) ? HI[W-1:0] : (x < LO) ? LO[W-1:0] : x[W-1:0];
endfunction

function automatic signed [A-1:0] fx_sata(input signed [XW-1:0] x);
  localparam signed [XW-1:0] HI = (XW'(1) <<< (A - 1)) - XW'(1);
  localparam signed [XW-1:0] LO = -(XW'(1) <<< (A - 1));
  fx_sata = (x > HI) ? HI[A-1:0] : (x < LO) ? LO[A-1:0] : x[A-1:0];
endfunction

function automatic signed [XW-1:0] fx_xw(input signed [W-1:0] v);   // word, sign-extended
  fx_xw = XW'(v);
endfunction

function automatic signed [XW-1:0] fx_xa(input signed [A-1:0] v);    // accumulator, sign-extended
  fx_xa = XW'(v);
endfunction

// round_shift(x, F) = floor((x + 2^(F-1)) / 2^F); x for F = 0
function automatic signed [XW-1:0] fx_rshf(input signed [XW-1:0] x);
  fx_rshf = (F == 0) ? x : ((x + (XW'(1) <<< (F - 1))) >>> F);
endfunction

function automatic signed [W-1:0] fx_from_acc(input signed [A-1:0] acc);
  fx_from_acc = fx_satw(fx_rshf(fx_xa(acc)));
endfunction

function automatic signed [A-1:0] fx_mac(input signed [A-1:0] acc, input signed [W-1:0] a,
                                         input signed [W-1:0] b);
  fx_mac = fx_sata(fx_xa(acc) + fx_xw(a) * fx_xw(b));
endfunction

function automatic signed [A-1:0] fx_acc_add(input signed [A-1:0] acc, input signed [W-1:0] a);
  fx_acc_add = fx_sata(fx_xa(acc) + (fx_xw(a) <<< F));
endfunction

function automatic signed [W-1:0] fx_add(input signed [W-1:0] a, input signed [W-1:0] b);
  fx_add = fx_satw(fx_xw(a) + fx_xw(b));
endfunction

function automatic signed [W-1:0] fx_sub(input signed [W-1:0] a, input signed [W-1:0] b);
  fx_sub = fx_satw(fx_xw(a) - fx_xw(b));
endfunction

function automatic signed [W-1:0] fx_mul(input signed [W-1:0] a, input signed [W-1:0] b);
  fx_mul = fx_satw(fx_rshf(fx_xw(a) * fx_xw(b)));
endfunction

function automatic signed [W-1:0] fx_max(input signed [W-1:0] a, input signed [W-1:0] b);
  fx_max = (a > b) ? a : b;
endfunction

// sat_W(trunc(a * 2^F / b)); b = 0 gives max, min or 0 by the sign of a
function automatic signed [W-1:0] fx_div(input signed [W-1:0] a, input signed [W-1:0] b);
  if (b == {W{1'b0}})
    fx_div = (a > 0) ? {1'b0, {(W-1){1'b1}}} : (a < 0) ? {1'b1, {(W-1){1'b0}}} : {W{1'b0}};
  else
    fx_div = fx_satw((fx_xw(a) <<< F) / fx_xw(b));   // Verilog signed '/' truncates toward 0
endfunction

// The exp sequence (fx_exp of sim/func/fixed.c) after x = sub(a, b), one operation per
// cycle as a PE's MAC datapath executes it (the 1D PEs' PRM in einsim_attn, and the 2D
// PEs in SLN):
//   t = mac(0, x, LOG2E): k = floor(t / 2^2F) (fx_exp_k), f = the F bits below (fx_exp_f),
//   y = C[T]; then T Horner steps y = from_acc(mac(C[s] * 2^F, y, f)) (fx_exp_step), s = T-1
//   .. 0, the last with the scaling by 2^k (fx_exp_fin). The including module defines
//   LOG2E (round(log2(e) 2^F)).
function automatic signed [XW-1:0] fx_exp_k(input signed [W-1:0] x);
  fx_exp_k = (fx_xw(x) * XW'(LOG2E)) >>> (2 * F);
endfunction

function automatic signed [W-1:0] fx_exp_f(input signed [W-1:0] x);
  localparam signed [XW-1:0] FMASK = (XW'(1) <<< F) - XW'(1);
  fx_exp_f = W'(((fx_xw(x) * XW'(LOG2E)) >>> F) & FMASK);
endfunction

function automatic signed [W-1:0] fx_exp_step(input signed [W-1:0] y, input signed [W-1:0] f,
                                              input signed [W-1:0] c);
  fx_exp_step = fx_from_acc(fx_mac(A'(fx_xw(c) <<< F), y, f));
endfunction

// The last step, from the state (y, f, k, zero) and the coefficient C[0]: y =
// fx_exp_step(y, f, C[0]), then y * 2^k saturated (k >= 0), or y rounded right by -k
// (0 once -k > W + F); 0 when the argument was -inf or y is 0.
function automatic signed [W-1:0] fx_exp_fin(input signed [W-1:0] y, input signed [W-1:0] f,
                                             input signed [XW-1:0] k, input zero,
                                             input signed [W-1:0] c0);
  reg signed [W-1:0]  yd;
  reg signed [XW-1:0] yx, ny;
  begin
    yd = fx_exp_step(y, f, c0);
    yx = fx_xw(yd);
    ny = -k;
    if (zero || yd == {W{1'b0}})
      fx_exp_fin = {W{1'b0}};
    else if (k >= 0)
      fx_exp_fin = (k >= XW'(W)) ? (yd[W-1] ? {1'b1, {(W-1){1'b0}}} : {1'b0, {(W-1){1'b1}}})
                                 : fx_satw(yx <<< k[7:0]);
    else if (ny > XW'(W) + XW'(F))
      fx_exp_fin = {W{1'b0}};
    else
      fx_exp_fin = fx_satw((yx + (XW'(1) <<< (ny[7:0] - 8'd1))) >>> ny[7:0]);
  end
endfunction

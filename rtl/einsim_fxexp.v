// einsim_fxexp.v — the exp sequence of a PE (fx_exp of sim/func/fixed.c, bit-exact),
// preceded by the subtraction of its argument: exp(sat_W(a - b)) in T + 2 cycles, one
// operation per cycle as the PE's MAC datapath executes it:
//   cycle 0      x = sub(a, b)
//   cycle 1      t = mac(0, x, LOG2E); k = floor(t / 2^2F); f = the F bits below; y = C[T]
//   cycle 2+s    y = from_acc(mac(C[T-1-s] * 2^F, y, f)), s = 0 .. T-1
// The result (res_o) is valid in cycle T + 1: y * 2^k saturated, or y rounded right by
// -k (0 once -k > W + F), and 0 when x is the minimum word (-inf).
module einsim_fxexp #(
  // word, fractional and accumulator bits; exp terms
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  parameter integer T = 5,
  // round(log2(e) * 2^F) and the coefficients C[0..T] (W bits each, C[i] at bits i*W)
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}}
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  input  wire                en_i,      // a cycle of the sequence
  input  wire [7:0]          cnt_i,     // which cycle (0 .. T + 1)
  input  wire signed [W-1:0] a_i,
  input  wire signed [W-1:0] b_i,
  output wire signed [W-1:0] res_o
);
`include "einsim_fx.vh"
  localparam signed [W-1:0] WMIN = {1'b1, {(W-1){1'b0}}};
  localparam integer WF = W + F;

  reg  signed [W-1:0]  x_q, y_q, f_q;
  reg  signed [XW-1:0] k_q;
  reg                  zero_q;

  wire signed [XW-1:0] t = fx_xw(x_q) * XW'(LOG2E);
  wire signed [XW-1:0] k = t >>> (2 * F);
  wire signed [W-1:0]  fr = W'((t >>> F) & ((XW'(1) <<< F) - XW'(1)));
  wire [7:0]           ci = 8'(T + 1) - cnt_i;       // coefficient of this Horner step
  wire signed [W-1:0]  cf = COEF[ci*32 +: W];
  wire signed [W-1:0]  y_d = fx_from_acc(fx_mac(A'(fx_xw(cf) <<< F), y_q, f_q));

  // y * 2^k (k >= 0) or round_shift(y, -k), on the last Horner result
  wire signed [XW-1:0] ny = -k_q;
  wire signed [XW-1:0] yx = fx_xw(y_d);
  reg  signed [W-1:0]  fin;
  always @* begin
    if (zero_q || y_d == {W{1'b0}})
      fin = {W{1'b0}};
    else if (k_q >= 0)
      fin = (k_q >= XW'(W)) ? (y_d[W-1] ? WMIN : ~WMIN) : fx_satw(yx <<< k_q[7:0]);
    else if (ny > XW'(WF))
      fin = {W{1'b0}};
    else
      fin = fx_satw((yx + (XW'(1) <<< (ny[7:0] - 8'd1))) >>> ny[7:0]);
  end
  assign res_o = fin;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_q <= {W{1'b0}}; y_q <= {W{1'b0}}; f_q <= {W{1'b0}}; k_q <= {XW{1'b0}}; zero_q <= 1'b0;
    end else if (en_i) begin
      if (cnt_i == 8'd0) begin
        x_q <= fx_sub(a_i, b_i);
      end else if (cnt_i == 8'd1) begin
        k_q <= k;
        f_q <= fr;
        y_q <= COEF[T*32 +: W];
        zero_q <= x_q == WMIN;
      end else begin
        y_q <= y_d;
      end
    end
  end
endmodule

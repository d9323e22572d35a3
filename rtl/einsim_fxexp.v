// einsim_fxexp.v — the exp sequence of a PE (fx_exp of sim/func/fixed.c, bit-exact),
// preceded by the subtraction of its argument: exp(sat_W(a - b)) in T + 2 cycles, one
// operation per cycle as the PE's MAC datapath executes it:
//   cycle 0      x = sub(a, b)
//   cycle 1      t = mac(0, x, LOG2E); k = floor(t / 2^2F); f = the F bits below; y = C[T]
//   cycle 2+s    y = from_acc(mac(C[T-1-s] * 2^F, y, f)), s = 0 .. T-1
// The last step (s = T - 1, cycle T + 1) and the scaling by 2^k are combinational: the
// PE that owns the sequence computes them with fx_exp_fin (einsim_fx.vh) from the state
// put out here (y_o, f_o, k_o, zero_o) where it writes the result, so that they are
// evaluated only in that cycle. Every step is inside the enabled clocked block: an idle
// sequence costs the simulator nothing.
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
  // the state after cycle cnt: y (the Horner value), f, k, and the -inf flag
  output reg  signed [W-1:0] y_o,
  output reg  signed [W-1:0] f_o,
  output reg  signed [((A > 2 * W) ? A : 2 * W) + 1:0] k_o,
  output reg                 zero_o
);
`include "einsim_fx.vh"
  localparam signed [W-1:0] WMIN = {1'b1, {(W-1){1'b0}}};

  reg signed [W-1:0]  x_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_q <= {W{1'b0}}; y_o <= {W{1'b0}}; f_o <= {W{1'b0}}; k_o <= {XW{1'b0}}; zero_o <= 1'b0;
    end else if (en_i) begin
      if (cnt_i == 8'd0) begin
        x_q <= fx_sub(a_i, b_i);
      end else if (cnt_i == 8'd1) begin
        // t = x * LOG2E; k = floor(t / 2^2F), f = the F bits below
        k_o <= fx_exp_k(x_q);
        f_o <= fx_exp_f(x_q);
        y_o <= COEF[T*32 +: W];
        zero_o <= x_q == WMIN;
      end else begin
        // Horner step with coefficient C[T + 1 - cnt]
        y_o <= fx_exp_step(y_o, f_o, COEF[(8'(T + 1) - cnt_i)*32 +: W]);
      end
    end
  end
endmodule

// einsim_vpe.v — one PE of the attention engine's 2D array. PE (i, j) works on key i of
// the current chunk and query j of the current block; it holds one word per query block
// (s_q, the block's score BQK and then its SLN) and runs, one operation per cycle:
//   BQK (op 1): acc = mac(acc, a, b) over E cycles (a = K row operand, b = Q column
//               operand), then s[blk] = from_acc(acc)
//   SLN (op 3): s[blk] = exp(sub(s[blk], b)) with b the block's RM broadcast down the
//               column (einsim_fxexp, T + 2 cycles)
// LM, SLD and SLNV read s[blk] (s_o) into the column reductions of einsim_attn.
module einsim_vpe #(
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  parameter integer NB = 64,        // query blocks held
  parameter integer BW = 6,         // block index bits
  // 1 builds a deliberately wrong PE (fault injection): BQK results are one LSB too large
  parameter integer FAULT = 0
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  input  wire                iss_i,
  input  wire [7:0]          op_i,
  input  wire [7:0]          cnt_i,
  input  wire                last_i,
  input  wire [BW-1:0]       blk_i,
  input  wire signed [W-1:0] a_i,
  input  wire signed [W-1:0] b_i,
  output wire signed [W-1:0] s_o
);
`include "einsim_fx.vh"
  reg signed [W-1:0] s_q [0:NB-1];
  reg signed [A-1:0] acc_q;

  wire signed [W-1:0] cur = s_q[blk_i];
  wire signed [A-1:0] acc_d = fx_mac(cnt_i == 8'd0 ? {A{1'b0}} : acc_q, a_i, b_i);
  wire signed [W-1:0] ex;
  einsim_fxexp #(.W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF)) u_exp (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(iss_i && op_i == 8'd3), .cnt_i(cnt_i),
    .a_i(cur), .b_i(b_i), .res_o(ex)
  );
  assign s_o = cur;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) acc_q <= {A{1'b0}};
    else if (iss_i && op_i == 8'd1) acc_q <= acc_d;
  end
  always @(posedge clk_i) begin
    if (iss_i && last_i && op_i == 8'd1) s_q[blk_i] <= fx_from_acc(acc_d) + W'(FAULT);
    if (iss_i && last_i && op_i == 8'd3) s_q[blk_i] <= ex;
  end
endmodule

// einsim_pe.v — one PE of the 2D array (the only 2D PE: GEMM and attention run on it).
// Its operation is chosen per stream element by the attention tag that travels right
// with the row operand (xtag, layout below); op 0 is GEMM, whose dataflow is ws_i:
//   GEMM OS   acc = mac(first ? 0 : acc, a, b); the result leaves on res_o at the last
//   GEMM WS   ps_o = mac(ps_i, a, w), w the stationary weight (double-buffered shadow)
//   BQK  (1)  acc = mac(first ? 0 : acc, a, b) (K row from the left, Q column from the
//             top); at the last element s[bank, blk] = from_acc(acc)
//   LM   (2)  ps_o = max(ps_i, s[bank, blk])          (column max, top row from -inf)
//   SLN  (3)  s[bank, blk] = exp(sub(s[bank, blk], b)), b = RM[p] from the top of the
//             column (einsim_fxexp, elements cnt = 0 .. T + 1)
//   SLD  (4)  ps_o = acc_add(ps_i, s[bank, blk])      (column sum, top row from 0)
//   SLNV (5)  ps_o = mac(ps_i, a, s[bank, blk])       (weight-stationary: the score is
//             the weight, V rows from the left; the GEMM WS datapath)
// A causal diagonal tile (the tag's mask bit) masks the PEs whose key is after their
// query: BQK writes -inf and SLN writes 0 into their score registers.
// The score registers hold one word per (bank, query block): two banks, so that BQK of
// chunk s + 1 writes one while SLN / SLD / SLNV of chunk s read the other. Arithmetic
// is fx_* of sim/func/fixed.h, bit-exact. Operands, tags and partial sums are registered
// once per PE (the systolic skew); psd_o is the PE's next partial sum, combinational
// (the bottom row's sums leave the array from it).
`include "einsim_params.vh"
module einsim_pe #(
  // word, fractional and accumulator bits
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  // exp terms, round(log2(e) 2^F) and the exp coefficients (einsim_fxexp)
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  // query blocks per score bank and the block index bits
  parameter integer NB = 64,
  parameter integer BW = 6,
  // bits of the GEMM row tag (travels right with a), of the column tag (travels down) and
  // of the attention tag (travels right): {pair, mask, tid, cnt[7:0], blk[BW-1:0], bank,
  // op[2:0]}; the tid and pair bits are carried, not read
  parameter integer RTW = 1,
  parameter integer CTW = 1,
  parameter integer XTW = 14 + 6 + 6,
  // 1 builds a deliberately wrong PE for fault-injection tests: every MAC adds 2^FAULT_SHIFT
  // (one output LSB when FAULT_SHIFT = F)
  parameter integer FAULT = 0,
  parameter integer FAULT_SHIFT = 0,
  // 1 for the top row: the attention column reductions start there (LM from -inf, SLD
  // and SLNV from 0) instead of taking ps_i
  parameter integer TOP = 0,
  // the PE's row (key within the chunk) and column (query within the block)
  parameter integer ROW = 0,
  parameter integer COL = 0,
  // 1 builds a PE that ignores the causal mask (fault-injection tests)
  parameter integer FAULT_NOMASK = 0
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  input  wire                 ws_i,        // GEMM: 1 weight-stationary, 0 output-stationary
  // row flow (left to right)
  input  wire signed [W-1:0]  a_i,
  input  wire                 av_i,        // a is valid this cycle
  input  wire                 afirst_i,    // first element of a tile / op (clear; WS: swap weight)
  input  wire                 alast_i,     // last element of a tile / op (result ready)
  input  wire [RTW-1:0]       rtag_i,
  input  wire [XTW-1:0]       xtag_i,
  output reg  signed [W-1:0]  a_o,
  output reg                  av_o,
  output reg                  afirst_o,
  output reg                  alast_o,
  output reg  [RTW-1:0]       rtag_o,
  output reg  [XTW-1:0]       xtag_o,
  // column flow (top to bottom)
  input  wire signed [W-1:0]  b_i,         // OS / BQK operand, SLN's RM
  input  wire signed [A-1:0]  ps_i,        // partial sum from above
  input  wire [CTW-1:0]       ctag_i,
  output reg  signed [W-1:0]  b_o,
  output reg  signed [A-1:0]  ps_o,
  output reg  [CTW-1:0]       ctag_o,
  // shadow-weight load (GEMM WS)
  input  wire                 wld_i,
  input  wire signed [W-1:0]  wdata_i,
  // GEMM OS result: the accumulator after the tile's last MAC (combinational)
  output wire signed [A-1:0]  res_o,
  output wire                 res_v_o,
  // next partial sum (combinational)
  output wire signed [A-1:0]  psd_o
);
`include "einsim_fx.vh"
  localparam integer SW = ((A > 2 * W) ? A : 2 * W) + 2;
  localparam [2:0] X_GEMM = 3'd0, X_BQK = 3'(`EINSIM_OP_A2_BQK), X_LM = 3'(`EINSIM_OP_A2_LM),
                   X_SLN = 3'(`EINSIM_OP_A2_SLN), X_SLD = 3'(`EINSIM_OP_A2_SLD),
                   X_SLNV = 3'(`EINSIM_OP_A2_SLNV);

  reg  signed [A-1:0] acc_q;
  reg  signed [W-1:0] w_q, ws_q;
  reg  signed [W-1:0] s_q [0:2*NB-1];

  wire [2:0]          xop  = xtag_i[2:0];
  wire [BW:0]         sidx = xtag_i[3 +: BW + 1];      // {blk, bank}
  wire [7:0]          xcnt = xtag_i[4 + BW +: 8];
  wire                attn = xop != X_GEMM;
  // Causal mask: in a diagonal tile (the tag's mask bit; key chunk and query block start
  // at the same index) the PE's key is after its query when ROW > COL. BQK then writes
  // -inf (the minimum word, the identity of LM's max) and SLN writes 0 (nothing for SLD
  // and SLNV to add), so the masked score is absent from every reduction as in the
  // fixed-point interpreter's `where`.
  wire                masked = xtag_i[XTW-2] && ROW > COL && FAULT_NOMASK == 0;
  wire signed [W-1:0] cur  = s_q[sidx];
  wire signed [A-1:0] ps_in = (attn && TOP != 0)
                            ? (xop == X_LM ? {{(A-W+1){1'b1}}, {(W-1){1'b0}}} : {A{1'b0}}) : ps_i;

  // The MAC: GEMM OS / WS, BQK, SLNV.
  wire                chain = attn ? xop == X_SLNV : ws_i;   // partial sum from above
  wire signed [W-1:0] w_use = afirst_i ? ws_q : w_q;
  wire signed [W-1:0] mul_b = attn ? (xop == X_SLNV ? cur : b_i) : (ws_i ? w_use : b_i);
  wire signed [A-1:0] base  = chain ? ps_in : (afirst_i ? {A{1'b0}} : acc_q);
  wire signed [2*W-1:0] prod = a_i * mul_b;
  wire signed [SW-1:0]  sum  = $signed({{(SW-A){base[A-1]}}, base})
                             + $signed({{(SW-2*W){prod[2*W-1]}}, prod})
                             + ((FAULT != 0) ? ({{(SW-1){1'b0}}, 1'b1} << FAULT_SHIFT) : {SW{1'b0}});
  wire signed [A-1:0]   sat;
  einsim_sat #(.IN(SW), .OUT(A)) u_sat (.x_i(sum), .y_o(sat));

  // The column reductions: max (LM), sum (SLD).
  wire signed [W-1:0] mx = fx_max(ps_in[W-1:0], cur);
  assign psd_o = xop == X_LM ? {{(A-W){mx[W-1]}}, mx} : xop == X_SLD ? fx_acc_add(ps_in, cur) : sat;

  // The exp sequence (SLN).
  wire signed [W-1:0] ex;
  einsim_fxexp #(.W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF)) u_exp (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(av_i && xop == X_SLN), .cnt_i(xcnt),
    .a_i(cur), .b_i(b_i), .res_o(ex)
  );

  assign res_o   = sat;
  assign res_v_o = av_i & alast_i & ~ws_i & ~attn;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_o <= {W{1'b0}}; av_o <= 1'b0; afirst_o <= 1'b0; alast_o <= 1'b0; rtag_o <= {RTW{1'b0}};
      xtag_o <= {XTW{1'b0}};
      b_o <= {W{1'b0}}; ps_o <= {A{1'b0}}; ctag_o <= {CTW{1'b0}};
      acc_q <= {A{1'b0}}; w_q <= {W{1'b0}}; ws_q <= {W{1'b0}};
    end else begin
      a_o <= a_i; av_o <= av_i; afirst_o <= afirst_i; alast_o <= alast_i; rtag_o <= rtag_i;
      xtag_o <= xtag_i;
      b_o <= b_i; ctag_o <= ctag_i;
      if (av_i) begin
        if (attn) begin
          if (xop == X_BQK) acc_q <= sat;
          if (xop == X_LM || xop == X_SLD || xop == X_SLNV) ps_o <= psd_o;
        end else if (ws_i) begin
          ps_o <= sat;
          if (afirst_i) w_q <= ws_q;
        end else begin
          acc_q <= sat;
        end
      end
      if (wld_i) ws_q <= wdata_i;
    end
  end
  // Score registers (no reset: every word is written by BQK before it is read).
  always @(posedge clk_i) begin
    if (av_i && alast_i && xop == X_BQK)
      s_q[sidx] <= masked ? {1'b1, {(W-1){1'b0}}} : fx_from_acc(sat);
    if (av_i && alast_i && xop == X_SLN) s_q[sidx] <= masked ? {W{1'b0}} : ex;
  end
endmodule

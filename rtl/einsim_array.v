// einsim_array.v — the R x C 2D PE array: a grid of einsim_pe with operands, row tags and
// attention tags flowing right, operands / partial sums and column tags flowing down.
// Edges are packed vectors (one entry per row or column). Per column, the GEMM OS results
// of the PEs that finish a tile this cycle are gathered on a column result bus (at most
// one PE per column finishes per cycle: the sequencer's issue interval guarantees it).
// The bottom row's next partial sums leave on ps_o (GEMM WS write-back, attention column
// reductions) with the row-flow tags that enter PE (R-1, C-1) in the same cycle.
module einsim_array #(
  // PE rows and columns
  parameter integer R = 4,
  parameter integer C = 4,
  // word and accumulator bits
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  // the exp sequence and the score registers (einsim_pe)
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  parameter integer NB = 64,
  parameter integer BW = 6,
  // row / column / attention tag bits
  parameter integer RTW = 1,
  parameter integer CTW = 1,
  parameter integer XTW = 18,
  // PE (FAULT_ROW, FAULT_COL) is built wrong when FAULT != 0 (fault-injection variant), and
  // PE (R-1, 0) then ignores the causal mask
  parameter integer FAULT = 0,
  parameter integer FAULT_SHIFT = 0,
  parameter integer FAULT_ROW = 0,
  parameter integer FAULT_COL = 0
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             ws_i,
  input  wire [R*W-1:0]   a_i,
  input  wire [R-1:0]     av_i,
  input  wire [R-1:0]     afirst_i,
  input  wire [R-1:0]     alast_i,
  input  wire [R*RTW-1:0] rtag_i,
  input  wire [R*XTW-1:0] xtag_i,
  input  wire [C*W-1:0]   b_i,
  input  wire [C*A-1:0]   ps_i,
  input  wire [C*CTW-1:0] ctag_i,
  input  wire [R-1:0]     wld_i,
  input  wire [C*W-1:0]   wdata_i,
  output wire [C*A-1:0]   ps_o,        // next partial sums of the bottom row (combinational)
  output wire [C*CTW-1:0] ctag_o,      // column tags of the bottom row
  output wire             av_bot_o,    // row flow entering PE (R-1, C-1)
  output wire             alast_bot_o,
  output wire [XTW-1:0]   xtag_bot_o,
  output reg  [C*A-1:0]   res_o,       // OS: per-column result bus
  output reg  [C-1:0]     res_v_o,
  output reg  [C*RTW-1:0] res_rtag_o,
  output reg  [C*CTW-1:0] res_ctag_o
);
  // Horizontal nets: entry (i, j) feeds PE (i, j); (i, C) leaves the array (unused).
  wire signed [W-1:0] ah    [0:R*(C+1)-1];
  wire                avh   [0:R*(C+1)-1];
  wire                afh   [0:R*(C+1)-1];
  wire                alh   [0:R*(C+1)-1];
  wire [RTW-1:0]      rth   [0:R*(C+1)-1];
  wire [XTW-1:0]      xth   [0:R*(C+1)-1];
  // Vertical nets: entry (i, j) feeds PE (i, j); (R, j) leaves the bottom.
  wire signed [W-1:0] bv    [0:(R+1)*C-1];
  wire signed [A-1:0] psv   [0:(R+1)*C-1];
  wire [CTW-1:0]      ctv   [0:(R+1)*C-1];
  // Per-PE OS results.
  wire signed [A-1:0] res   [0:R*C-1];
  wire signed [A-1:0] psd   [0:R*C-1];
  wire                resv  [0:R*C-1];

  genvar i, j;
  generate
    for (i = 0; i < R; i = i + 1) begin : g_row
      assign ah[i*(C+1)]  = a_i[i*W +: W];
      assign avh[i*(C+1)] = av_i[i];
      assign afh[i*(C+1)] = afirst_i[i];
      assign alh[i*(C+1)] = alast_i[i];
      assign rth[i*(C+1)] = rtag_i[i*RTW +: RTW];
      assign xth[i*(C+1)] = xtag_i[i*XTW +: XTW];
      for (j = 0; j < C; j = j + 1) begin : g_col
        einsim_pe #(
          .W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF), .NB(NB), .BW(BW),
          .RTW(RTW), .CTW(CTW), .XTW(XTW),
          .FAULT((FAULT != 0 && i == FAULT_ROW && j == FAULT_COL) ? 1 : 0), .FAULT_SHIFT(FAULT_SHIFT),
          .TOP(i == 0 ? 1 : 0), .ROW(i), .COL(j),
          .FAULT_NOMASK((FAULT != 0 && i == R - 1 && j == 0) ? 1 : 0)
        ) u_pe (
          .clk_i(clk_i), .rst_ni(rst_ni), .ws_i(ws_i),
          .a_i(ah[i*(C+1)+j]), .av_i(avh[i*(C+1)+j]), .afirst_i(afh[i*(C+1)+j]),
          .alast_i(alh[i*(C+1)+j]), .rtag_i(rth[i*(C+1)+j]), .xtag_i(xth[i*(C+1)+j]),
          .a_o(ah[i*(C+1)+j+1]), .av_o(avh[i*(C+1)+j+1]), .afirst_o(afh[i*(C+1)+j+1]),
          .alast_o(alh[i*(C+1)+j+1]), .rtag_o(rth[i*(C+1)+j+1]), .xtag_o(xth[i*(C+1)+j+1]),
          .b_i(bv[i*C+j]), .ps_i(psv[i*C+j]), .ctag_i(ctv[i*C+j]),
          .b_o(bv[(i+1)*C+j]), .ps_o(psv[(i+1)*C+j]), .ctag_o(ctv[(i+1)*C+j]),
          .wld_i(wld_i[i]), .wdata_i(wdata_i[j*W +: W]),
          .res_o(res[i*C+j]), .res_v_o(resv[i*C+j]), .psd_o(psd[i*C+j])
        );
      end
    end
    for (j = 0; j < C; j = j + 1) begin : g_edge
      assign bv[j]  = b_i[j*W +: W];
      assign psv[j] = ps_i[j*A +: A];
      assign ctv[j] = ctag_i[j*CTW +: CTW];
      // Sums leave the bottom row straight from its adders (no output register), with
      // the column tag that entered that PE in the same cycle
      assign ps_o[j*A +: A]       = psd[(R-1)*C+j];
      assign ctag_o[j*CTW +: CTW] = ctv[(R-1)*C+j];
    end
  endgenerate
  assign av_bot_o    = avh[(R-1)*(C+1)+C-1];
  assign alast_bot_o = alh[(R-1)*(C+1)+C-1];
  assign xtag_bot_o  = xth[(R-1)*(C+1)+C-1];

  // Column result buses: the (single) finishing PE of each column, if any.
  integer r, c;
  always @* begin
    res_o = {C*A{1'b0}};
    res_v_o = {C{1'b0}};
    res_rtag_o = {C*RTW{1'b0}};
    res_ctag_o = {C*CTW{1'b0}};
    for (c = 0; c < C; c = c + 1)
      for (r = 0; r < R; r = r + 1)
        if (resv[r*C+c]) begin
          res_o[c*A +: A]         = res[r*C+c];
          res_v_o[c]              = 1'b1;
          res_rtag_o[c*RTW +: RTW] = rth[r*(C+1)+c];
          res_ctag_o[c*CTW +: CTW] = ctv[r*C+c];
        end
  end
endmodule

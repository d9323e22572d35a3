// einsim_gemm_array.v — the R x C grid of einsim_gemm_pe (rtl/gemm/): operands and row
// tags flow right, operands / partial sums and column tags flow down. Per column, the OS
// result of the PE that finishes a tile this cycle goes on a column result bus (at most
// one per column per cycle: the sequencer's issue interval guarantees it); the bottom
// row's next partial sums leave on ps_o (WS write-back) with their column tags.
module einsim_gemm_array #(
  parameter integer R = 4,
  parameter integer C = 4,
  parameter integer W = 16,
  parameter integer A = 32,
  parameter integer RTW = 1,
  parameter integer CTW = 1,
  // PE (FAULT_ROW, FAULT_COL) is built wrong when FAULT != 0 (fault-injection variant)
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
  input  wire [C*W-1:0]   b_i,
  input  wire [C*A-1:0]   ps_i,
  input  wire [C*CTW-1:0] ctag_i,
  input  wire [R-1:0]     wld_i,
  input  wire [C*W-1:0]   wdata_i,
  output wire [C*A-1:0]   ps_o,
  output wire [C*CTW-1:0] ctag_o,
  output reg  [C*A-1:0]   res_o,
  output reg  [C-1:0]     res_v_o,
  output reg  [C*RTW-1:0] res_rtag_o,
  output reg  [C*CTW-1:0] res_ctag_o
);
  wire signed [W-1:0] ah  [0:R*(C+1)-1];
  wire                avh [0:R*(C+1)-1];
  wire                afh [0:R*(C+1)-1];
  wire                alh [0:R*(C+1)-1];
  wire [RTW-1:0]      rth [0:R*(C+1)-1];
  wire signed [W-1:0] bv  [0:(R+1)*C-1];
  wire signed [A-1:0] psv [0:(R+1)*C-1];
  wire [CTW-1:0]      ctv [0:(R+1)*C-1];
  wire signed [A-1:0] res [0:R*C-1];
  wire signed [A-1:0] psd [0:R*C-1];
  wire                resv [0:R*C-1];

  genvar i, j;
  generate
    for (i = 0; i < R; i = i + 1) begin : g_row
      assign ah[i*(C+1)]  = a_i[i*W +: W];
      assign avh[i*(C+1)] = av_i[i];
      assign afh[i*(C+1)] = afirst_i[i];
      assign alh[i*(C+1)] = alast_i[i];
      assign rth[i*(C+1)] = rtag_i[i*RTW +: RTW];
      for (j = 0; j < C; j = j + 1) begin : g_col
        einsim_gemm_pe #(
          .W(W), .A(A), .RTW(RTW), .CTW(CTW),
          .FAULT((FAULT != 0 && i == FAULT_ROW && j == FAULT_COL) ? 1 : 0), .FAULT_SHIFT(FAULT_SHIFT)
        ) u_pe (
          .clk_i(clk_i), .rst_ni(rst_ni), .ws_i(ws_i),
          .a_i(ah[i*(C+1)+j]), .av_i(avh[i*(C+1)+j]), .afirst_i(afh[i*(C+1)+j]),
          .alast_i(alh[i*(C+1)+j]), .rtag_i(rth[i*(C+1)+j]),
          .a_o(ah[i*(C+1)+j+1]), .av_o(avh[i*(C+1)+j+1]), .afirst_o(afh[i*(C+1)+j+1]),
          .alast_o(alh[i*(C+1)+j+1]), .rtag_o(rth[i*(C+1)+j+1]),
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
      assign ps_o[j*A +: A]       = psd[(R-1)*C+j];
      assign ctag_o[j*CTW +: CTW] = ctv[(R-1)*C+j];
    end
  endgenerate

  integer r, c;
  always @* begin
    res_o = {C*A{1'b0}};
    res_v_o = {C{1'b0}};
    res_rtag_o = {C*RTW{1'b0}};
    res_ctag_o = {C*CTW{1'b0}};
    for (c = 0; c < C; c = c + 1)
      for (r = 0; r < R; r = r + 1)
        if (resv[r*C+c]) begin
          res_o[c*A +: A]          = res[r*C+c];
          res_v_o[c]               = 1'b1;
          res_rtag_o[c*RTW +: RTW] = rth[r*(C+1)+c];
          res_ctag_o[c*CTW +: CTW] = ctv[r*C+c];
        end
  end
endmodule

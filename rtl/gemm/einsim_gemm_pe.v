// einsim_gemm_pe.v — the PE of the GEMM-only array (rtl/gemm/): a saturating MAC with an
// output-stationary accumulator and a double-buffered stationary weight, and nothing
// else (no attention tag, score registers or exp sequence: see rtl/einsim_array.v for the
// PEs of the default top). Dataflow is ws_i:
//   OS   acc = mac(first ? 0 : acc, a, b); the result leaves on res_o at the last element
//   WS   ps_o = mac(ps_i, a, w), w the stationary weight (shadow loaded by wld_i,
//        active from the tile's first element)
// Arithmetic is fx_mac of sim/func/fixed.h, bit-exact. Operands, tags and partial sums
// are registered once per PE (the systolic skew); psd_o is the next partial sum,
// combinational (the bottom row's sums leave the array from it).
module einsim_gemm_pe #(
  // word and accumulator bits
  parameter integer W = 16,
  parameter integer A = 32,
  // bits of the row tag (travels right with a) and of the column tag (travels down)
  parameter integer RTW = 1,
  parameter integer CTW = 1,
  // 1 builds a deliberately wrong PE for fault-injection tests: every MAC adds
  // 2^FAULT_SHIFT (one output LSB when FAULT_SHIFT = F)
  parameter integer FAULT = 0,
  parameter integer FAULT_SHIFT = 0
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  input  wire                 ws_i,        // 1 weight-stationary, 0 output-stationary
  input  wire signed [W-1:0]  a_i,
  input  wire                 av_i,
  input  wire                 afirst_i,
  input  wire                 alast_i,
  input  wire [RTW-1:0]       rtag_i,
  output reg  signed [W-1:0]  a_o,
  output reg                  av_o,
  output reg                  afirst_o,
  output reg                  alast_o,
  output reg  [RTW-1:0]       rtag_o,
  input  wire signed [W-1:0]  b_i,
  input  wire signed [A-1:0]  ps_i,
  input  wire [CTW-1:0]       ctag_i,
  output reg  signed [W-1:0]  b_o,
  output reg  signed [A-1:0]  ps_o,
  output reg  [CTW-1:0]       ctag_o,
  input  wire                 wld_i,
  input  wire signed [W-1:0]  wdata_i,
  output wire signed [A-1:0]  res_o,
  output wire                 res_v_o,
  output wire signed [A-1:0]  psd_o
);
  localparam integer SW = ((A > 2 * W) ? A : 2 * W) + 2;
  reg  signed [A-1:0] acc_q;
  reg  signed [W-1:0] w_q, ws_q;
  wire signed [W-1:0] mul_b = ws_i ? (afirst_i ? ws_q : w_q) : b_i;
  wire signed [A-1:0] base  = ws_i ? ps_i : (afirst_i ? {A{1'b0}} : acc_q);
  wire signed [2*W-1:0] prod = a_i * mul_b;
  wire signed [SW-1:0]  sum  = $signed({{(SW-A){base[A-1]}}, base})
                             + $signed({{(SW-2*W){prod[2*W-1]}}, prod})
                             + ((FAULT != 0) ? ({{(SW-1){1'b0}}, 1'b1} << FAULT_SHIFT) : {SW{1'b0}});
  wire signed [A-1:0]   sat;
  einsim_sat #(.IN(SW), .OUT(A)) u_sat (.x_i(sum), .y_o(sat));
  assign psd_o   = sat;
  assign res_o   = sat;
  assign res_v_o = av_i & alast_i & ~ws_i;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_o <= {W{1'b0}}; av_o <= 1'b0; afirst_o <= 1'b0; alast_o <= 1'b0; rtag_o <= {RTW{1'b0}};
      b_o <= {W{1'b0}}; ps_o <= {A{1'b0}}; ctag_o <= {CTW{1'b0}};
      acc_q <= {A{1'b0}}; w_q <= {W{1'b0}}; ws_q <= {W{1'b0}};
    end else begin
      a_o <= a_i; av_o <= av_i; afirst_o <= afirst_i; alast_o <= alast_i; rtag_o <= rtag_i;
      b_o <= b_i; ctag_o <= ctag_i;
      if (av_i) begin
        if (ws_i) begin
          ps_o <= sat;
          if (afirst_i) w_q <= ws_q;
        end else begin
          acc_q <= sat;
        end
      end
      if (wld_i) ws_q <= wdata_i;
    end
  end
endmodule

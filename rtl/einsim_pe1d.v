// einsim_pe1d.v — one PE of the 1D array: the running statistics of
// query j of each block (register files indexed by block, and by block and f), one
// operation per cycle:
//   RM   (1): rmo[b] = first ? -inf : rm[b]; rm[b] = max(rmo[b], lm[b])
//   PRM  (2): prm[b] = exp(sub(rmo[b], rm[b]))          (einsim_fxexp and fx_exp_fin, T + 2 cycles)
//   SPD  (3): spd[b] = mul(first ? 0 : rd[b], prm[b])
//   RD   (4): rd[b]  = add(sld[b], spd[b])
//   SPNV (5): spnv[b, f] = mul(first ? 0 : rnv[b, f], prm[b])     (f = cycle, F cycles)
//   RNV  (6): rnv[b, f]  = add(slnv[b, f], spnv[b, f])
//   AV   (7): av_o = div(rnv[b, f], rd[b])                         (to the output buffer)
// lm, sld and slnv are written by the staging registers from the bottom of the 2D array
// (st_*); rm of the 2D array's current block is broadcast up its column (rm2d_o).
`include "einsim_params.vh"
module einsim_pe1d #(
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  parameter integer NB = 64,
  parameter integer BW = 6,
  parameter integer NF = 32,        // F (value width) held per block
  parameter integer FW = 5
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  input  wire                iss_i,
  input  wire [7:0]          op_i,
  input  wire [7:0]          cnt_i,
  input  wire                last_i,
  input  wire                first_i,
  input  wire [BW-1:0]       blk_i,
  // staging write: kind 2 LM, 4 SLD, 5 SLNV (the 2D opcodes)
  input  wire                st_v_i,
  input  wire [7:0]          st_kind_i,
  input  wire [BW-1:0]       st_blk_i,
  input  wire [FW-1:0]       st_f_i,
  input  wire signed [W-1:0] st_data_i,
  input  wire [BW-1:0]       blk2d_i,
  output wire signed [W-1:0] rm2d_o,
  output wire signed [W-1:0] av_o
);
`include "einsim_fx.vh"
  localparam signed [W-1:0] WMIN = {1'b1, {(W-1){1'b0}}};
  reg signed [W-1:0] rm_q [0:NB-1];
  reg signed [W-1:0] rmo_q [0:NB-1];
  reg signed [W-1:0] prm_q [0:NB-1];
  reg signed [W-1:0] spd_q [0:NB-1];
  reg signed [W-1:0] rd_q [0:NB-1];
  reg signed [W-1:0] lm_q [0:NB-1];
  reg signed [W-1:0] sld_q [0:NB-1];
  reg signed [W-1:0] rnv_q [0:NB*NF-1];
  reg signed [W-1:0] spnv_q [0:NB*NF-1];
  reg signed [W-1:0] slnv_q [0:NB*NF-1];

  wire [BW+FW-1:0]    bf = {blk_i, cnt_i[FW-1:0]};
  wire signed [W-1:0] rm_old = first_i ? WMIN : rm_q[blk_i];
  wire signed [W-1:0] rd_old = first_i ? {W{1'b0}} : rd_q[blk_i];
  wire signed [W-1:0] rnv_old = first_i ? {W{1'b0}} : rnv_q[bf];
  wire signed [W-1:0]  ey, ef;
  wire signed [XW-1:0] ek;
  wire                 ez;
  einsim_fxexp #(.W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF)) u_exp (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(iss_i && op_i == 8'(`EINSIM_OP_A1_PRM)), .cnt_i(cnt_i),
    .a_i(rmo_q[blk_i]), .b_i(rm_q[blk_i]), .y_o(ey), .f_o(ef), .k_o(ek), .zero_o(ez)
  );
  assign rm2d_o = rm_q[blk2d_i];
  assign av_o = fx_div(rnv_q[bf], rd_q[blk_i]);

  always @(posedge clk_i) begin
    if (iss_i) begin
      case (op_i)
        8'(`EINSIM_OP_A1_RM): begin
          rmo_q[blk_i] <= rm_old; rm_q[blk_i] <= fx_max(rm_old, lm_q[blk_i]);
        end
        8'(`EINSIM_OP_A1_PRM): if (last_i) prm_q[blk_i] <= fx_exp_fin(ey, ef, ek, ez, COEF[0 +: W]);
        8'(`EINSIM_OP_A1_SPD): spd_q[blk_i] <= fx_mul(rd_old, prm_q[blk_i]);
        8'(`EINSIM_OP_A1_RD): rd_q[blk_i] <= fx_add(sld_q[blk_i], spd_q[blk_i]);
        8'(`EINSIM_OP_A1_SPNV): spnv_q[bf] <= fx_mul(rnv_old, prm_q[blk_i]);
        8'(`EINSIM_OP_A1_RNV): rnv_q[bf] <= fx_add(slnv_q[bf], spnv_q[bf]);
        default: ;
      endcase
    end
    if (st_v_i) begin
      if (st_kind_i == 8'(`EINSIM_OP_A2_LM)) lm_q[st_blk_i] <= st_data_i;
      if (st_kind_i == 8'(`EINSIM_OP_A2_SLD)) sld_q[st_blk_i] <= st_data_i;
      if (st_kind_i == 8'(`EINSIM_OP_A2_SLNV)) slnv_q[{st_blk_i, st_f_i}] <= st_data_i;
    end
  end
endmodule

// einsim_attn.v — the attention engine (FuseMax 1-pass, rtl/README.md "Attention
// engine"): an R x C 2D array of einsim_vpe, a C-PE 1D array of einsim_pe1d below it,
// the staging registers between them (ATTN_STG cycles), the column reductions at the
// bottom of the 2D array (max, sum, MAC over the rows), the Q/K/V buffer, the output
// buffer and two tile queues (einsim_aseq) with their done flags and end stamps.
// 2D ops: BQK 1, LM 2, SLN 3, SLD 4, SLNV 5; 1D ops: RM 1, PRM 2, SPD 3, RD 4, SPNV 5,
// RNV 6, AV 7. A tile ends (its done flag rises and its end stamp is taken) in the
// cycle after its last result is written: BQK / SLN / every 1D tile after its last
// stream cycle, LM / SLD / SLNV when their last column result leaves the staging
// registers into the 1D register files.
module einsim_attn #(
  parameter integer R = 4,
  parameter integer C = 4,
  parameter integer W = 16,
  parameter integer F = 8,
  parameter integer A = 32,
  parameter integer T = 5,
  parameter integer LOG2E = 369,
  parameter [9*32-1:0] COEF = {9*32{1'b0}},
  parameter integer GW = 1024,      // Q/K/V buffer and output buffer words
  parameter integer NB = 64,        // query blocks (power of two)
  parameter integer NF = 32,        // F held (power of two)
  parameter integer QT = 1024,      // tiles per queue (power of two)
  parameter integer STG = 2         // staging registers 2D -> 1D
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        start_i,
  input  wire        ld_we_i,
  input  wire [3:0]  ld_sel_i,      // 3 Q/K/V buffer, 4 2D queue, 5 1D queue
  input  wire [31:0] ld_addr_i,
  input  wire [63:0] ld_data_i,
  input  wire [3:0]  rd_sel_i,      // 4 output buffer, 5/6 2D start/end, 7/8 1D start/end
  input  wire [31:0] rd_addr_i,
  output reg  [63:0] rd_data_o,
  output reg         done_o,
  output reg  [31:0] cycles_o
);
`include "einsim_fx.vh"
  localparam integer BW = $clog2(NB);
  localparam integer FW = $clog2(NF);
  localparam integer TIDW = $clog2(QT);
  localparam signed [W-1:0] WMIN = {1'b1, {(W-1){1'b0}}};
// Fault-injection variant: PE (R/2, C/2) rounds its BQK results one LSB too high.
`ifdef EINSIM_FAULT_ACC
  localparam integer FAULT = 1;
`else
  localparam integer FAULT = 0;
`endif

  // ---- buffers -------------------------------------------------------------------------
  reg [W-1:0] abuf [0:GW-1];
  reg [W-1:0] obuf [0:GW-1];

  // ---- tile queues -----------------------------------------------------------------------
  wire            d2, d1, v2, v1, f2, f1, l2, l1, idle2, idle1;
  wire [TIDW-1:0] dt2, dt1, t2, t1;
  wire [7:0]      op2, op1;
  wire [15:0]     bk2, bk1;
  wire [31:0]     c2, c1, a2, b2, a1, b1, s2, s1, cyc, cyc1;
  reg  [QT-1:0]   done2_q, done1_q;
  reg  [31:0]     end2 [0:QT-1];
  reg  [31:0]     end1 [0:QT-1];

  einsim_aseq #(.ONED(0), .T(T), .TILES(QT), .TIDW(TIDW)) u_q2d (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd4), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .dbg_addr_i(rd_addr_i), .dbg_start_o(s2),
    .dep_o(d2), .dep_tid_o(dt2), .dep_done_i(done1_q[dt2]),
    .iss_v_o(v2), .op_o(op2), .first_o(f2), .last_o(l2), .blk_o(bk2), .cnt_o(c2), .tid_o(t2),
    .a_o(a2), .b_o(b2), .idle_o(idle2), .cyc_o(cyc)
  );
  einsim_aseq #(.ONED(1), .T(T), .TILES(QT), .TIDW(TIDW)) u_q1d (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd5), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .dbg_addr_i(rd_addr_i), .dbg_start_o(s1),
    .dep_o(d1), .dep_tid_o(dt1), .dep_done_i(done2_q[dt1]),
    .iss_v_o(v1), .op_o(op1), .first_o(f1), .last_o(l1), .blk_o(bk1), .cnt_o(c1), .tid_o(t1),
    .a_o(a1), .b_o(b1), .idle_o(idle1), .cyc_o(cyc1)
  );

  // ---- 2D array: row operands (K or V rows), column operands (Q, or RM broadcast) --------
  wire [C*W-1:0] rm2d, av;
  wire [R*C*W-1:0] s;
  reg  [R*W-1:0] rowop;
  reg  [C*W-1:0] colop;
  integer i, j;
  always @* begin
    for (i = 0; i < R; i = i + 1) rowop[i*W +: W] = abuf[(a2 + i) % GW];
    for (j = 0; j < C; j = j + 1)
      colop[j*W +: W] = op2 == 8'd3 ? rm2d[j*W +: W] : abuf[(b2 + j) % GW];
  end
  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_r
      for (gj = 0; gj < C; gj = gj + 1) begin : g_c
        einsim_vpe #(.W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF), .NB(NB), .BW(BW),
                     .FAULT((FAULT != 0 && gi == R / 2 && gj == C / 2) ? 1 : 0)) u_pe (
          .clk_i(clk_i), .rst_ni(rst_ni), .iss_i(v2), .op_i(op2), .cnt_i(c2[7:0]), .last_i(l2),
          .blk_i(bk2[BW-1:0]), .a_i(rowop[gi*W +: W]), .b_i(colop[gj*W +: W]),
          .s_o(s[(gi*C+gj)*W +: W])
        );
      end
    end
  endgenerate

  // ---- column reductions at the bottom of the array --------------------------------------
  reg signed [W-1:0] red_max, wv;
  reg signed [A-1:0] red_sum, red_mac;
  reg [C*W-1:0]      colres;
  always @* begin
    for (j = 0; j < C; j = j + 1) begin
      red_max = WMIN;
      red_sum = {A{1'b0}};
      red_mac = {A{1'b0}};
      for (i = 0; i < R; i = i + 1) begin
        wv = s[(i*C+j)*W +: W];
        red_max = fx_max(red_max, wv);
        red_sum = fx_acc_add(red_sum, wv);
        red_mac = fx_mac(red_mac, wv, rowop[i*W +: W]);
      end
      colres[j*W +: W] = op2 == 8'd2 ? red_max : op2 == 8'd4 ? fx_from_acc(red_sum)
                                                             : fx_from_acc(red_mac);
    end
  end

  // ---- staging registers: {valid, last, kind, blk, f, tid, C words} ---------------------
  localparam integer SGW = 2 + 8 + BW + FW + TIDW + C * W;
  reg  [SGW-1:0] stg_q [0:STG-1];
  wire           red = v2 && (op2 == 8'd2 || op2 == 8'd4 || op2 == 8'd5);
  wire [SGW-1:0] stg_in = {red, l2, op2, bk2[BW-1:0], c2[FW-1:0], t2, colres};
  wire [SGW-1:0] so = stg_q[STG-1];
  wire           so_v = so[SGW-1], so_last = so[SGW-2];
  wire [7:0]     so_kind = so[SGW-3 -: 8];
  wire [BW-1:0]  so_blk = so[SGW-11 -: BW];
  wire [FW-1:0]  so_f = so[SGW-11-BW -: FW];
  wire [TIDW-1:0] so_tid = so[SGW-11-BW-FW -: TIDW];
  reg            stg_busy;
  integer k;
  always @* begin
    stg_busy = 1'b0;
    for (k = 0; k < STG; k = k + 1) stg_busy = stg_busy | stg_q[k][SGW-1];
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (k = 0; k < STG; k = k + 1) stg_q[k] <= {SGW{1'b0}};
    end else begin
      stg_q[0] <= stg_in;
      for (k = 1; k < STG; k = k + 1) stg_q[k] <= stg_q[k-1];
    end
  end

  // ---- 1D array ---------------------------------------------------------------------------
  generate
    for (gj = 0; gj < C; gj = gj + 1) begin : g_1d
      einsim_pe1d #(.W(W), .F(F), .A(A), .T(T), .LOG2E(LOG2E), .COEF(COEF), .NB(NB), .BW(BW),
                    .NF(NF), .FW(FW)) u_pe (
        .clk_i(clk_i), .rst_ni(rst_ni), .iss_i(v1), .op_i(op1), .cnt_i(c1[7:0]), .last_i(l1),
        .first_i(f1), .blk_i(bk1[BW-1:0]),
        .st_v_i(so_v), .st_kind_i(so_kind), .st_blk_i(so_blk), .st_f_i(so_f),
        .st_data_i(so[gj*W +: W]), .blk2d_i(bk2[BW-1:0]), .rm2d_o(rm2d[gj*W +: W]),
        .av_o(av[gj*W +: W])
      );
    end
  endgenerate

  // ---- tile ends, output writes, run state ------------------------------------------------
  wire e2a = v2 && l2 && (op2 == 8'd1 || op2 == 8'd3);   // BQK / SLN: last write now
  wire e2b = so_v && so_last;                            // LM / SLD / SLNV: left staging
  wire e1  = v1 && l1;
  reg  run_q;
  reg  [31:0] last_end_q;
  wire any_end = e2a || e2b || e1;
  always @(posedge clk_i) begin
    if (e2a) end2[t2] <= cyc + 32'd1;
    if (e2b) end2[so_tid] <= cyc + 32'd1;
    if (e1) end1[t1] <= cyc + 32'd1;
    if (v1 && op1 == 8'd7)
      for (j = 0; j < C; j = j + 1) obuf[(b1 + j) % GW] <= av[j*W +: W];
    if (ld_we_i && ld_sel_i == 4'd3 && ld_addr_i < GW) abuf[ld_addr_i] <= ld_data_i[W-1:0];
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done2_q <= '0; done1_q <= '0;
      run_q <= 1'b0; done_o <= 1'b0; cycles_o <= 32'd0; last_end_q <= 32'd0;
    end else if (start_i) begin
      done2_q <= '0; done1_q <= '0;
      run_q <= 1'b1; done_o <= 1'b0; cycles_o <= 32'd0; last_end_q <= 32'd0;
    end else if (run_q) begin
      if (e2a) done2_q[t2] <= 1'b1;
      if (e2b) done2_q[so_tid] <= 1'b1;
      if (e1) done1_q[t1] <= 1'b1;
      if (any_end) last_end_q <= cyc + 32'd1;
      if (idle2 && idle1 && !stg_busy) begin
        run_q <= 1'b0;
        done_o <= 1'b1;
        cycles_o <= any_end ? cyc + 32'd1 : last_end_q;
      end
    end
  end

  always @* begin
    case (rd_sel_i)
      4'd4:    rd_data_o = {{(65-W){obuf[rd_addr_i % GW][W-1]}}, obuf[rd_addr_i % GW][W-2:0]};
      4'd5:    rd_data_o = {32'd0, s2};
      4'd6:    rd_data_o = {32'd0, rd_addr_i < QT ? end2[rd_addr_i] : 32'd0};
      4'd7:    rd_data_o = {32'd0, s1};
      4'd8:    rd_data_o = {32'd0, rd_addr_i < QT ? end1[rd_addr_i] : 32'd0};
      default: rd_data_o = 64'd0;
    endcase
  end
endmodule

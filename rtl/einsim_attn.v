// einsim_attn.v — the attention side of the accelerator (FuseMax 1-pass, rtl/README.md
// "Attention"): the Q/K/V buffer, the output buffer, the two tile queues (einsim_aseq)
// with their done flags and end stamps, the deskew of the 2D array's bottom row, the
// staging registers (STG) and the C-PE 1D array. The 2D work runs on the
// accelerator's one PE array (einsim_array in einsim_top): this module puts out one
// stream element per cycle (row operands: K or V rows; column operands: Q, or RM for
// SLN; the attention tag) into the top's operand register and skew lines, and takes
// back the bottom row's partial sums with the tag that enters PE (R-1, C-1). The DMA
// (einsim_dma, in einsim_top) loads Q, K and V into the Q/K/V buffer and stores AV from
// the output buffer; a 2D tile waits for the loads its word 3 names (need_loads).
// The queues are rings of QT slots the host keeps fed (einsim_aseq); tile ids (pc,
// dependencies, the DMA's waits) are absolute. Each slot records the absolute id of the
// last tile that ended there (with its end stamp), so a wait for tile d is met when slot
// d mod QT has recorded an id >= d; the 2D tiles in the array carry their slot in the tag,
// and their absolute id is recovered from the queue's pc (a tile in flight is one of the
// QT tiles before pc, since the host refills a slot only after its tile has ended).
// 2D ops: BQK 1, LM 2, SLN 3, SLD 4, SLNV 5, the pair BQK|SLNV 6; 1D ops: RM 1, PRM 2,
// SPD 3, RD 4, SPNV 5, RNV 6, AV 7. A tile ends (its done flag rises and its end stamp is
// taken) in the cycle after its last result is written: BQK / SLN when their last
// element has passed PE (R-1, C-1), LM / SLD / SLNV when their last column result leaves
// the staging registers into the 1D register files, a pair when both of its Einsums
// have ended, every 1D tile after its last stream cycle.
`include "einsim_params.vh"
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
  parameter integer STG = 2,        // staging registers 2D -> 1D
  parameter integer XTW = 32,       // attention tag bits (einsim_pe): 14 + BW + log2(QT)
  parameter integer BWD = 1,        // words of a DMA beat
  parameter integer QTW = 32        // the DMA's tile numbers (absolute ids: 32)
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        start_i,
  input  wire        hclk_i,        // host port clock of the tile queues (ld_sel 4, 5)
  input  wire        ld_we_i,
  input  wire [3:0]  ld_sel_i,      // 3 Q/K/V buffer; 4 2D queue, 5 1D queue (on hclk_i:
                                    // ld_addr bit 31 the tail, else a tile word)
  input  wire [31:0] ld_addr_i,
  input  wire [63:0] ld_data_i,
  input  wire [3:0]  rd_sel_i,      // 4 output buffer, 5/6 2D start/end, 7/8 1D start/end
                                    // (of a slot), 10/11 2D/1D queue: the slot's ended
                                    // id + 1 (0: none), or at bit 31 the tiles issued
  input  wire [31:0] rd_addr_i,
  output reg  [63:0] rd_data_o,
  output wire        busy_o,        // from start until done_o rises
  output reg         done_o,
  output reg  [31:0] cycles_o,
  // the stream element to the 2D array (before the top's operand register)
  output reg  [R*W-1:0] row_o,
  output reg  [C*W-1:0] col_o,
  output wire           sv_o,
  output wire           sfirst_o,
  output wire           slast_o,
  output wire [XTW-1:0] xtag_o,
  // the bottom row of the 2D array: next partial sums, row flow entering PE (R-1, C-1)
  input  wire [C*A-1:0] ps_bot_i,
  input  wire           av_bot_i,
  input  wire           alast_bot_i,
  input  wire [XTW-1:0] xtag_bot_i,
  // the DMA (einsim_dma): loads into the Q/K/V buffer, stores from the output buffer; its
  // loads and stores gate the tiles (a 2D tile's need_loads, w3[31:16]) and the run's end
  input  wire           dma_we_i,
  input  wire [31:0]    dma_addr_i,
  input  wire [31:0]    dma_n_i,
  input  wire [BWD*W-1:0] dma_data_i,
  input  wire           dma_ren_i,     // a store's data is read this cycle
  input  wire [31:0]    dma_raddr_i,
  output reg  [BWD*W-1:0] dma_rdata_o,
  input  wire [31:0]    dma_loads_i,  // loads completed
  input  wire           dma_quiet_i,  // nothing pending after this edge
  input  wire           dma_act_i,    // a transfer completes at this edge
  output wire [31:0]    issued2_o,    // 2D tiles that have finished issuing (a load's wait)
  input  wire [QTW-1:0] qtile_i,      // the 1D tile a store waits for ...
  output wire           qended_o,     // ... has ended
  // traffic (einsim_traffic; tensors 0 Q, 1 K, 2 V, 3 AV): words read and written this cycle
  output wire [4*32-1:0] rd_inc_o,
  output wire [4*32-1:0] wr_inc_o
);
`include "einsim_fx.vh"
  localparam integer BW = $clog2(NB);
  localparam integer FW = $clog2(NF);
  localparam integer TIDW = $clog2(QT);

  // ---- buffers -------------------------------------------------------------------------
  reg [W-1:0] abuf [0:GW-1];
  reg [W-1:0] obuf [0:GW-1];
  // Writes (as einsim_glb): the host's word, and the DMA beat (word q into dma_addr_i + q),
  // by one loop that runs only in a cycle the DMA writes. Blocking writes are safe here:
  // only combinational logic reads abuf. Stores read BWD words from dma_raddr_i.
  integer gq;
  /* verilator lint_off BLKSEQ */
  always @(posedge clk_i) begin
    if (ld_we_i && ld_sel_i == 4'd3 && ld_addr_i < GW) abuf[ld_addr_i] = ld_data_i[W-1:0];
    if (dma_we_i)
      for (gq = 0; gq < BWD && gq < dma_n_i; gq = gq + 1)
        if (dma_addr_i + gq < GW) abuf[dma_addr_i + gq] = dma_data_i[gq*W +: W];
  end
  /* verilator lint_on BLKSEQ */
  integer pq;
  always @* begin   // read only while a store sends data (as einsim_zbuf's DMA port)
    dma_rdata_o = {BWD*W{1'b0}};
    if (dma_ren_i)
      for (pq = 0; pq < BWD; pq = pq + 1)
        dma_rdata_o[pq*W +: W] = (dma_raddr_i + pq < GW) ? obuf[dma_raddr_i + pq] : {W{1'b0}};
  end

  // ---- tile queues -----------------------------------------------------------------------
  wire            d2, d1, v2, v1, f2, f1, l2, l1, idle2, idle1, bank2, bank1, pr2, pr1, m2, m1;
  wire [31:0]     dt2, dt1, t1;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0]     t2;                   // the 2D tile issuing (its slot goes in the tag)
  /* verilator lint_on UNUSEDSIGNAL */
  wire [7:0]      op2, op1;
  wire [15:0]     bk2, bk1;
  wire [31:0]     c2, c1, a2, b2, a1, b1, s2, s1, cyc, cyc1, n2, n1;
  reg  [QT-1:0]   done2_q, done1_q;     // the slot has recorded an end since start
  reg  [31:0]     eid2 [0:QT-1];        // ... of this absolute tile
  reg  [31:0]     eid1 [0:QT-1];
  reg  [31:0]     end2 [0:QT-1];
  reg  [31:0]     end1 [0:QT-1];
  wire [TIDW-1:0] ds2 = dt2[TIDW-1:0], ds1 = dt1[TIDW-1:0];
  // tile d of a queue has ended: its slot recorded d or a later tile
  wire            dep2_met = done1_q[ds2] && eid1[ds2] >= dt2;
  wire            dep1_met = done2_q[ds1] && eid2[ds1] >= dt1;

  einsim_aseq #(.ONED(0), .T(T), .TILES(QT), .TIDW(TIDW)) u_q2d (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i), .hclk_i(hclk_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd4), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .dbg_addr_i(rd_addr_i), .dbg_start_o(s2), .loads_i(dma_loads_i),
    .dep_o(d2), .dep_tid_o(dt2), .dep_done_i(dep2_met),
    .iss_v_o(v2), .op_o(op2), .first_o(f2), .last_o(l2), .blk_o(bk2), .cnt_o(c2), .tid_o(t2),
    .bank_o(bank2), .pair_o(pr2), .mask_o(m2), .a_o(a2), .b_o(b2), .idle_o(idle2), .ntiles_o(n2), .cyc_o(cyc)
  );
  einsim_aseq #(.ONED(1), .T(T), .TILES(QT), .TIDW(TIDW)) u_q1d (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i), .hclk_i(hclk_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd5), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .dbg_addr_i(rd_addr_i), .dbg_start_o(s1), .loads_i(dma_loads_i),
    .dep_o(d1), .dep_tid_o(dt1), .dep_done_i(dep1_met),
    .iss_v_o(v1), .op_o(op1), .first_o(f1), .last_o(l1), .blk_o(bk1), .cnt_o(c1), .tid_o(t1),
    .bank_o(bank1), .pair_o(pr1), .mask_o(m1), .a_o(a1), .b_o(b1), .idle_o(idle1), .ntiles_o(n1), .cyc_o(cyc1)
  );

  // ---- the stream element to the 2D array: row operands (K or V rows), column operands
  // (Q, or the block's RM from the 1D PEs for SLN), the attention tag ----------------------
  wire [C*W-1:0] rm2d;
  integer i, j;
  always @* begin
    for (i = 0; i < R; i = i + 1) row_o[i*W +: W] = v2 ? abuf[(a2 + i) % GW] : {W{1'b0}};
    for (j = 0; j < C; j = j + 1)
      col_o[j*W +: W] = !v2 ? {W{1'b0}}
                      : op2 == 8'(`EINSIM_OP_A2_SLN) ? rm2d[j*W +: W] : abuf[(b2 + j) % GW];
  end
  assign issued2_o = n2;
  wire [TIDW-1:0] qs = qtile_i[TIDW-1:0];
  assign qended_o  = done1_q[qs] && eid1[qs] >= 32'(qtile_i);
  // traffic: BQK reads R words of K and C of Q per element, SLNV R words of V, AV writes C
  wire bqk_el = v2 && op2 == 8'(`EINSIM_OP_A2_BQK), slnv_el = v2 && op2 == 8'(`EINSIM_OP_A2_SLNV);
  assign rd_inc_o = {32'd0, slnv_el ? 32'(R) : 32'd0, bqk_el ? 32'(R) : 32'd0, bqk_el ? 32'(C) : 32'd0};
  assign wr_inc_o = {(v1 && op1 == 8'(`EINSIM_OP_A1_AV)) ? 32'(C) : 32'd0, 96'd0};
  assign sv_o     = v2;
  assign sfirst_o = v2 && c2 == 32'd0;
  assign slast_o  = v2 && l2;
  assign xtag_o   = v2 ? {pr2, m2, t2[TIDW-1:0], c2[7:0], bk2[BW-1:0], bank2, op2[2:0]} : {XTW{1'b0}};

  // ---- bottom of the 2D array: deskew (column j delayed by C - 1 - j), then the column
  // results with the tag of PE (R-1, C-1) ----------------------------------------------------
  wire [C*A-1:0] dsk;
  genvar gj;
  generate
    for (gj = 0; gj < C; gj = gj + 1) begin : g_dsk
      einsim_delay #(.X(A), .DEPTH(C - 1 - gj)) u_d (
        .clk_i(clk_i), .rst_ni(rst_ni), .d_i(ps_bot_i[gj*A +: A]), .q_o(dsk[gj*A +: A])
      );
    end
  endgenerate
  wire [2:0]      bop  = xtag_bot_i[2:0];
  // the tag's op: the 2D opcodes of einsim_params.vh
  localparam [2:0] B_BQK = 3'(`EINSIM_OP_A2_BQK), B_LM = 3'(`EINSIM_OP_A2_LM),
                   B_SLN = 3'(`EINSIM_OP_A2_SLN), B_SLD = 3'(`EINSIM_OP_A2_SLD),
                   B_SLNV = 3'(`EINSIM_OP_A2_SLNV);
  wire [BW-1:0]   bblk = xtag_bot_i[4 +: BW];
  wire [FW-1:0]   bf   = xtag_bot_i[4 + BW +: FW];   // SLNV's f (count bits above FW unused)
  wire [TIDW-1:0] btid = xtag_bot_i[12 + BW +: TIDW];
  wire            bpair = xtag_bot_i[XTW-1];
  reg [C*W-1:0]   colres;
  always @* begin
    for (j = 0; j < C; j = j + 1)
      colres[j*W +: W] = bop == B_LM ? dsk[j*A +: W] : fx_from_acc(dsk[j*A +: A]);
  end

  // ---- staging registers: {valid, last, pair, kind, blk, f, tid, C words} ---------------
  localparam integer SGW = 3 + 8 + BW + FW + TIDW + C * W;
  reg  [SGW-1:0] stg_q [0:STG-1];
  wire           red = av_bot_i && (bop == B_LM || bop == B_SLD || bop == B_SLNV);
  wire [SGW-1:0] stg_in = {red, alast_bot_i, bpair, 5'd0, bop, bblk, bf, btid, colres};
  wire [SGW-1:0] so = stg_q[STG-1];
  wire           so_v = so[SGW-1], so_last = so[SGW-2], so_pair = so[SGW-3];
  wire [7:0]     so_kind = so[SGW-4 -: 8];
  wire [BW-1:0]  so_blk = so[SGW-12 -: BW];
  wire [FW-1:0]  so_f = so[SGW-12-BW -: FW];
  wire [TIDW-1:0] so_tid = so[SGW-12-BW-FW -: TIDW];
  integer k;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (k = 0; k < STG; k = k + 1) stg_q[k] <= {SGW{1'b0}};
    end else begin
      stg_q[0] <= stg_in;
      for (k = 1; k < STG; k = k + 1) stg_q[k] <= stg_q[k-1];
    end
  end

  // ---- 1D array: C PEs that run the same operation on the same block (and f) in a cycle,
  // each on its own words. Every register file holds one C-word vector per index (PE j's
  // word at bits j*W, as the staging registers deliver them), so that an operation is one
  // loop over the PEs and one write per register file:
  //   RM   (1): rmo[b] = first ? -inf : rm[b]; rm[b] = max(rmo[b], lm[b])
  //   PRM  (2): prm[b] = exp(sub(rmo[b], rm[b]))   (the exp sequence of einsim_fx.vh,
  //             T + 2 cycles: x, then k / f / y = C[T], then the Horner steps; fx_exp_fin
  //             at the last)
  //   SPD  (3): spd[b] = mul(first ? 0 : rd[b], prm[b])
  //   RD   (4): rd[b]  = add(sld[b], spd[b])
  //   SPNV (5): spnv[b, f] = mul(first ? 0 : rnv[b, f], prm[b])     (f = cycle, F cycles)
  //   RNV  (6): rnv[b, f]  = add(slnv[b, f], spnv[b, f])
  //   AV   (7): the output buffer gets div(rnv[b, f], rd[b])
  // lm, sld and slnv are written by the staging registers; rm of the 2D array's current
  // block goes up the columns (rm2d).
  localparam integer CW = C * W;
  localparam signed [W-1:0] WMIN = {1'b1, {(W-1){1'b0}}};
  localparam [7:0] O_RM = 8'(`EINSIM_OP_A1_RM), O_PRM = 8'(`EINSIM_OP_A1_PRM),
                   O_SPD = 8'(`EINSIM_OP_A1_SPD), O_RD = 8'(`EINSIM_OP_A1_RD),
                   O_SPNV = 8'(`EINSIM_OP_A1_SPNV), O_RNV = 8'(`EINSIM_OP_A1_RNV),
                   O_AV = 8'(`EINSIM_OP_A1_AV);
  reg  [CW-1:0]   rm_q [0:NB-1];
  reg  [CW-1:0]   rmo_q [0:NB-1];
  reg  [CW-1:0]   prm_q [0:NB-1];
  reg  [CW-1:0]   spd_q [0:NB-1];
  reg  [CW-1:0]   rd_q [0:NB-1];
  reg  [CW-1:0]   lm_q [0:NB-1];
  reg  [CW-1:0]   sld_q [0:NB-1];
  reg  [CW-1:0]   rnv_q [0:NB*NF-1];
  reg  [CW-1:0]   spnv_q [0:NB*NF-1];
  reg  [CW-1:0]   slnv_q [0:NB*NF-1];
  // the exp sequence's state per PE: x, y, f, k and the -inf flag
  reg  [CW-1:0]   ex_x_q, ex_y_q, ex_f_q;
  reg  [C*XW-1:0] ex_k_q;
  reg  [C-1:0]    ex_z_q;
  wire [BW-1:0]   b1k = bk1[BW-1:0];
  wire [BW+FW-1:0] bf1 = {b1k, c1[FW-1:0]};
  wire [7:0]      e1c = c1[7:0];
  assign rm2d = rm_q[bk2[BW-1:0]];

  // Each operation is a function over the PEs' words (its loop variables and temporaries
  // are the function's own, which the simulator keeps in machine registers).
  function automatic [CW-1:0] op_1d(input [7:0] op, input first, input [CW-1:0] v1w,
                                    input [CW-1:0] v2w);
    integer            kp;
    reg signed [W-1:0] x1, x2;
    begin
      op_1d = {CW{1'b0}};
      for (kp = 0; kp < C; kp = kp + 1) begin
        x1 = v1w[kp*W +: W]; x2 = v2w[kp*W +: W];
        case (op)
          O_RM:          op_1d[kp*W +: W] = fx_max(x1, x2);
          O_PRM:         op_1d[kp*W +: W] = fx_exp_fin(ex_y_q[kp*W +: W], ex_f_q[kp*W +: W],
                                                      ex_k_q[kp*XW +: XW], ex_z_q[kp], COEF[0 +: W]);
          O_SPD, O_SPNV: op_1d[kp*W +: W] = fx_mul(first ? {W{1'b0}} : x1, x2);
          O_RD, O_RNV:   op_1d[kp*W +: W] = fx_add(x1, x2);
          O_AV:          op_1d[kp*W +: W] = fx_div(x1, x2);
          default: ;
        endcase
      end
    end
  endfunction
  wire [CW-1:0] rmo_n = f1 ? {C{WMIN}} : rm_q[b1k];   // RM: the block's previous running max
  reg  [CW-1:0] av_v;                                 // AV: the PEs' outputs
  integer       k1;
  /* verilator lint_off BLKSEQ */
  always @(posedge clk_i) begin
    av_v = {CW{1'b0}};
    if (v1) begin
      case (op1)
        O_RM:    begin rmo_q[b1k] <= rmo_n; rm_q[b1k] <= op_1d(O_RM, 1'b0, rmo_n, lm_q[b1k]); end
        O_PRM:   if (l1) prm_q[b1k] <= op_1d(O_PRM, 1'b0, {CW{1'b0}}, {CW{1'b0}});
        O_SPD:   spd_q[b1k] <= op_1d(O_SPD, f1, rd_q[b1k], prm_q[b1k]);
        O_RD:    rd_q[b1k] <= op_1d(O_RD, 1'b0, sld_q[b1k], spd_q[b1k]);
        O_SPNV:  spnv_q[bf1] <= op_1d(O_SPNV, f1, rnv_q[bf1], prm_q[b1k]);
        O_RNV:   rnv_q[bf1] <= op_1d(O_RNV, 1'b0, slnv_q[bf1], spnv_q[bf1]);
        O_AV: begin
          av_v = op_1d(O_AV, 1'b0, rnv_q[bf1], rd_q[b1k]);
          for (k1 = 0; k1 < C; k1 = k1 + 1) obuf[(b1 + k1) % GW] <= av_v[k1*W +: W];
        end
        default: ;
      endcase
    end
    if (so_v) begin
      if (so_kind == 8'(`EINSIM_OP_A2_LM)) lm_q[so_blk] <= so[CW-1:0];
      if (so_kind == 8'(`EINSIM_OP_A2_SLD)) sld_q[so_blk] <= so[CW-1:0];
      if (so_kind == 8'(`EINSIM_OP_A2_SLNV)) slnv_q[{so_blk, so_f}] <= so[CW-1:0];
    end
  end
  /* verilator lint_on BLKSEQ */

  // The exp sequence of PRM, one step per cycle in every PE (cnt 0: x = sub(rmo, rm);
  // 1: kp, f, y = C[T], the -inf flag; 2 ..: the Horner step with C[T + 1 - cnt]); its
  // last step and the scaling are fx_exp_fin in op_1d, where prm is written.
  function automatic [C*XW+3*CW+C-1:0] exp_1d(input [7:0] cnt, input [CW-1:0] av,
                                              input [CW-1:0] bv);
    integer            kp;
    reg [CW-1:0]       nx, ny, nf;
    reg [C*XW-1:0]     nk;
    reg [C-1:0]        nz;
    reg signed [W-1:0] x;
    begin
      nx = ex_x_q; ny = ex_y_q; nf = ex_f_q; nk = ex_k_q; nz = ex_z_q;
      for (kp = 0; kp < C; kp = kp + 1) begin
        x = ex_x_q[kp*W +: W];
        if (cnt == 8'd0) begin
          nx[kp*W +: W] = fx_sub(av[kp*W +: W], bv[kp*W +: W]);
        end else if (cnt == 8'd1) begin
          nk[kp*XW +: XW] = fx_exp_k(x);
          nf[kp*W +: W] = fx_exp_f(x);
          ny[kp*W +: W] = COEF[T*32 +: W];
          nz[kp] = x == WMIN;
        end else begin
          ny[kp*W +: W] = fx_exp_step(ex_y_q[kp*W +: W], ex_f_q[kp*W +: W],
                                     COEF[(8'(T + 1) - cnt)*32 +: W]);
        end
      end
      exp_1d = {nk, nx, ny, nf, nz};
    end
  endfunction
  always @(posedge clk_i)
    if (v1 && op1 == O_PRM)
      {ex_k_q, ex_x_q, ex_y_q, ex_f_q, ex_z_q} <= exp_1d(e1c, rmo_q[b1k], rm_q[b1k]);

  // ---- tile ends, output writes, run state ------------------------------------------------
  // ea: a BQK / SLN element's last write (PE (R-1, C-1)); eb: a column result leaving the
  // staging registers. A pair is done at the later of its two ends (half_q: one seen).
  wire ea = av_bot_i && alast_bot_i && (bop == B_BQK || bop == B_SLN);
  wire eb = so_v && so_last;
  wire e1 = v1 && l1;
  wire same = ea && eb && btid == so_tid;
  reg  [QT-1:0] half_q;
  wire ea_done = ea && (!bpair || half_q[btid] || same);
  wire eb_done = eb && (!so_pair || half_q[so_tid] || same);
  // the absolute id of a 2D tile in flight in slot s: the latest tile before pc (n2) there
  wire [TIDW-1:0] ba_off = n2[TIDW-1:0] - TIDW'(1) - btid;
  wire [TIDW-1:0] bb_off = n2[TIDW-1:0] - TIDW'(1) - so_tid;
  wire [31:0]     ba_id = n2 - 32'd1 - 32'(ba_off);
  wire [31:0]     bb_id = n2 - 32'd1 - 32'(bb_off);
  wire [TIDW-1:0] es1 = t1[TIDW-1:0];
  wire [31:0] nend2 = 32'(ea_done) + 32'(eb_done && !(ea_done && same));
  reg  run_q;
  reg  [31:0] last_end_q, nd2_q;
  wire any_end = ea_done || eb_done || e1;
  assign busy_o = run_q;
  always @(posedge clk_i) begin
    if (ea_done) begin end2[btid] <= cyc + 32'd1; eid2[btid] <= ba_id; end
    if (eb_done) begin end2[so_tid] <= cyc + 32'd1; eid2[so_tid] <= bb_id; end
    if (e1) begin end1[es1] <= cyc + 32'd1; eid1[es1] <= t1; end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done2_q <= '0; done1_q <= '0; half_q <= '0; nd2_q <= 32'd0;
      run_q <= 1'b0; done_o <= 1'b0; cycles_o <= 32'd0; last_end_q <= 32'd0;
    end else if (start_i) begin
      done2_q <= '0; done1_q <= '0; half_q <= '0; nd2_q <= 32'd0;
      run_q <= 1'b1; done_o <= 1'b0; cycles_o <= 32'd0; last_end_q <= 32'd0;
    end else if (run_q) begin
      if (ea_done) done2_q[btid] <= 1'b1;
      if (eb_done) done2_q[so_tid] <= 1'b1;
      // a pair's first end sets its slot's half flag, its second clears it (the slot
      // takes other tiles later)
      if (ea && bpair) half_q[btid] <= !ea_done;
      if (eb && so_pair) half_q[so_tid] <= !eb_done;
      if (e1) done1_q[es1] <= 1'b1;
      nd2_q <= nd2_q + nend2;
      if (any_end || dma_act_i) last_end_q <= cyc + 32'd1;
      // every 2D tile issued has ended (the array, deskew and staging are empty) and the
      // DMA has nothing pending
      if (idle2 && idle1 && nd2_q == n2 && dma_quiet_i) begin
        run_q <= 1'b0;
        done_o <= 1'b1;
        cycles_o <= (any_end || dma_act_i) ? cyc + 32'd1 : last_end_q;
      end
    end
  end

  always @* begin
    case (rd_sel_i)
      4'd4:    rd_data_o = {{(65-W){obuf[rd_addr_i % GW][W-1]}}, obuf[rd_addr_i % GW][W-2:0]};
      4'd5:    rd_data_o = {32'd0, s2};
      4'd6:    rd_data_o = {32'd0, rd_addr_i < QT ? end2[rd_addr_i[TIDW-1:0]] : 32'd0};
      4'd7:    rd_data_o = {32'd0, s1};
      4'd8:    rd_data_o = {32'd0, rd_addr_i < QT ? end1[rd_addr_i[TIDW-1:0]] : 32'd0};
      4'd10:   rd_data_o = {32'd0, rd_addr_i[31] ? n2 : rd_addr_i < QT && done2_q[rd_addr_i[TIDW-1:0]]
                                                     ? eid2[rd_addr_i[TIDW-1:0]] + 32'd1 : 32'd0};
      4'd11:   rd_data_o = {32'd0, rd_addr_i[31] ? n1 : rd_addr_i < QT && done1_q[rd_addr_i[TIDW-1:0]]
                                                     ? eid1[rd_addr_i[TIDW-1:0]] + 32'd1 : 32'd0};
      default: rd_data_o = 64'd0;
    endcase
  end
endmodule

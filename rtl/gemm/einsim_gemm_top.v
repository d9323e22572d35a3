// einsim_gemm_top.v — a second implementation of the einsim core contract
// (rtl/README.md, "The core contract"): a GEMM-only array (output- and weight-stationary
// tiles of the tile ISA, no attention datapath) whose buffer reads take
// `EINSIM_IN_LATENCY cycles instead of one: the operand register is followed by
// IN_LAT - 1 more register stages (an SRAM with registered address and data, say), on
// the operands, their tags and the weight loads alike, so every tile ends IN_LAT - 1
// cycles later than on rtl/einsim_top.v while issue is unchanged. IN_LAT is the
// architecture's `in_latency` of array2d (einsim rtl-params writes it), which the C
// model's tile rules and the engine's cycle level both read: nothing in the C code
// knows this file.
// Ports, host selectors and status outputs are those of the contract: ld_sel 0 global
// buffer, 1 accumulator buffer, 2 instruction memory, 7 the DMA ring (written on clk_i:
// this top has no host port clock, so the bridge's host writes are loads); rd_sel 0 / 1
// the buffers, 2 / 3 tile start / end stamps, 9 traffic counters, 12 DMA commands
// issued (address 1: the ring's slots); the attention selectors (ld_sel 3..6, rd_sel
// 4..8) are ignored / read 0 and p_attn_tiles_o = 0 says attention is not implemented.
`include "einsim_params.vh"

module einsim_gemm_top (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        start_i,
  input  wire        ld_we_i,
  input  wire [3:0]  ld_sel_i,
  input  wire [31:0] ld_addr_i,
  input  wire [63:0] ld_data_i,
  input  wire [3:0]  rd_sel_i,
  input  wire [31:0] rd_addr_i,
  output reg  [63:0] rd_data_o,
  output wire        busy_o,
  output wire        done_o,
  output wire [31:0] cycles_o,
  // memory port (rtl/README.md, "DRAM and the DMA program"): AXI4-like, word addresses,
  // beats of `EINSIM_DMA_BEAT_WORDS words of W bits
  output wire        m_arvalid_o,
  input  wire        m_arready_i,
  output wire [31:0] m_araddr_o,
  output wire [31:0] m_arlen_o,
  input  wire        m_rvalid_i,
  output wire        m_rready_o,
  input  wire [`EINSIM_DMA_BEAT_WORDS*`EINSIM_WORD_BITS-1:0] m_rdata_i,
  input  wire        m_rlast_i,
  input  wire [31:0] m_rwords_i,
  output wire        m_awvalid_o,
  input  wire        m_awready_i,
  output wire [31:0] m_awaddr_o,
  output wire [31:0] m_awlen_o,
  output wire        m_wvalid_o,
  input  wire        m_wready_i,
  output wire [`EINSIM_DMA_BEAT_WORDS*`EINSIM_WORD_BITS-1:0] m_wdata_o,
  output wire        m_wlast_o,
  input  wire        m_bvalid_i,
  output wire        m_bready_o,
  output wire [31:0] p_exp_terms_o,
  output wire [31:0] p_attn_blocks_o,
  output wire [31:0] p_attn_f_o,
  output wire [31:0] p_attn_tiles_o,
  output wire [31:0] p_rows_o,
  output wire [31:0] p_cols_o,
  output wire [31:0] p_word_bits_o,
  output wire [31:0] p_frac_bits_o,
  output wire [31:0] p_acc_bits_o,
  output wire [31:0] p_glb_words_o,
  output wire [31:0] p_zbuf_words_o,
  output wire [31:0] p_tiles_o,
  output wire [31:0] p_beat_words_o
);
  localparam integer R      = `EINSIM_ROWS;
  localparam integer C      = `EINSIM_COLS;
  localparam integer W      = `EINSIM_WORD_BITS;
  localparam integer F      = `EINSIM_FRAC_BITS;
  localparam integer A      = `EINSIM_ACC_BITS;
  localparam integer GW     = `EINSIM_GLB_WORDS;
  localparam integer ZW     = `EINSIM_ZBUF_WORDS;
  localparam integer TILES  = `EINSIM_IMEM_TILES;
  localparam integer IN_LAT = `EINSIM_IN_LATENCY;
  localparam integer TIDW   = $clog2(TILES);
  localparam integer ZAW    = $clog2(ZW) + 1;
  // row tag {rowlast, rowok, tid, zaddr}; column tag {v, colok, collast, init, final,
  // endmark, tid, zaddr} (as in rtl/einsim_top.v)
  localparam integer RTW = ZAW + TIDW + 2;
  localparam integer CTW = ZAW + TIDW + 6;
  localparam integer CT_V = CTW - 1, CT_COLOK = CTW - 2, CT_COLLAST = CTW - 3;
  localparam integer CT_INIT = CTW - 4, CT_FINAL = CTW - 5, CT_ENDM = CTW - 6;
  localparam integer RT_ROWLAST = RTW - 1, RT_ROWOK = RTW - 2;
  // the bundle that crosses the extra read stages
  localparam integer PW = R*W + R*RTW + C*W + C*CTW + 3 + R + C*W;
`ifdef EINSIM_FAULT_ACC
  localparam integer FAULT = 1;
`else
  localparam integer FAULT = 0;
`endif

  assign p_rows_o        = R;
  assign p_cols_o        = C;
  assign p_word_bits_o   = W;
  assign p_frac_bits_o   = F;
  assign p_acc_bits_o    = A;
  assign p_glb_words_o   = GW;
  assign p_zbuf_words_o  = ZW;
  assign p_tiles_o       = TILES;
  assign p_exp_terms_o   = 32'd0;
  assign p_attn_blocks_o = 32'd0;
  assign p_attn_f_o      = 32'd0;
  assign p_attn_tiles_o  = 32'd0;

  assign p_beat_words_o = `EINSIM_DMA_BEAT_WORDS;

  // ---- DMA (rtl/einsim_dma.v): the DMA program (ld_sel 7) over the memory port --------
  localparam integer DBW = `EINSIM_DMA_BEAT_WORDS;
  wire [31:0]       dma_loads, dma_stores, dma_fill, tiles_done, gw_addr, gw_n, dz_addr;
  wire [31:0]       dma_issued, dma_slots;
  wire              dz_en;      // the DMA reads a store's data this cycle
  wire              dma_quiet, dma_act, dma_qended, gw_en;
  wire [TIDW-1:0]   dma_qtile;
  wire [DBW*W-1:0]  gw_data;
  wire [DBW*A-1:0]  dz_data;
  wire [31:0]       dma_ld_n, dma_st_n;
  wire [1:0]        dma_ld_t, dma_st_t;
  einsim_dma #(.W(W), .A(A), .BW(DBW), .CMDS(`EINSIM_DMA_CMDS), .TIDW(TIDW)) u_dma (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i), .hclk_i(clk_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd7), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .tiles_done_i(tiles_done), .qtile_o(dma_qtile), .qended_i(dma_qended),
    .arvalid_o(m_arvalid_o), .arready_i(m_arready_i), .araddr_o(m_araddr_o), .arlen_o(m_arlen_o),
    .rvalid_i(m_rvalid_i), .rready_o(m_rready_o), .rdata_i(m_rdata_i), .rlast_i(m_rlast_i), .rwords_i(m_rwords_i),
    .awvalid_o(m_awvalid_o), .awready_i(m_awready_i), .awaddr_o(m_awaddr_o), .awlen_o(m_awlen_o),
    .wvalid_o(m_wvalid_o), .wready_i(m_wready_i), .wdata_o(m_wdata_o), .wlast_o(m_wlast_o),
    .bvalid_i(m_bvalid_i), .bready_o(m_bready_o),
    .gw_en_o(gw_en), .gw_addr_o(gw_addr), .gw_n_o(gw_n), .gw_data_o(gw_data),
    .zr_en_o(dz_en), .zr_addr_o(dz_addr), .zr_data_i(dz_data), .zsel_i(1'b0), .zw_data_i({DBW*W{1'b0}}),
    .issued_o(dma_issued), .slots_o(dma_slots),
    .loads_o(dma_loads), .stores_o(dma_stores), .fill_o(dma_fill), .quiet_o(dma_quiet), .act_o(dma_act),
    .ld_n_o(dma_ld_n), .ld_t_o(dma_ld_t), .st_n_o(dma_st_n), .st_t_o(dma_st_t)
  );

  // ---- sequencer (rtl/einsim_seq.v) ----------------------------------------------------
  wire              iss_v, wld, ws, acc_init, fin;
  wire [31:0]       cnt, a_base, b_base, z_base;
  wire [TIDW-1:0]   tid;
  wire [15:0]       m, n, k, lda, ldb, ldz;
  reg  [C-1:0]      end_v;
  reg  [C*TIDW-1:0] end_tid;
  wire [31:0]       stamp;
  einsim_seq #(.R(R), .C(C), .TILES(TILES), .TIDW(TIDW)) u_seq (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd2), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i),
    .dbg_end_i(rd_sel_i == 4'd3), .dbg_addr_i(rd_addr_i), .dbg_data_o(stamp),
    .end_v_i(end_v), .end_tid_i(end_tid),
    .dma_loads_i(dma_loads), .dma_stores_i(dma_stores), .dma_fill_i(dma_fill), .dma_quiet_i(dma_quiet),
    .dma_act_i(dma_act), .tiles_done_o(tiles_done), .qtile_i(dma_qtile), .qended_o(dma_qended),
    .iss_v_o(iss_v), .wld_o(wld), .ws_o(ws), .cnt_o(cnt), .tid_o(tid),
    .m_o(m), .n_o(n), .k_o(k), .a_o(a_base), .b_o(b_base), .z_o(z_base),
    .lda_o(lda), .ldb_o(ldb), .ldz_o(ldz), .acc_init_o(acc_init), .final_o(fin),
    .busy_o(busy_o), .done_o(done_o), .cycles_o(cycles_o)
  );

  // ---- global buffer: R row ports (A operands) + C column ports (B operands / weights)
  reg  [(R+C)*32-1:0] glb_addr;
  wire [(R+C)*W-1:0]  glb_data;
  wire [W-1:0]        glb_dbg;
  einsim_glb #(.W(W), .DEPTH(GW), .NP(R + C), .BW(DBW)) u_glb (
    .clk_i(clk_i), .rd_addr_i(glb_addr), .rd_data_o(glb_data),
    .dma_we_i(gw_en), .dma_addr_i(gw_addr), .dma_n_i(gw_n), .dma_data_i(gw_data),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd0), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i[W-1:0]),
    .dbg_addr_i(rd_addr_i), .dbg_data_o(glb_dbg)
  );

  // ---- edge vectors of the current stream cycle --------------------------------------
  reg [R*W-1:0]   a_d;
  reg [R*RTW-1:0] rtag_d;
  reg [C*W-1:0]   b_d, wdata_d;
  reg [C*CTW-1:0] ctag_d;
  reg [R-1:0]     wld_d;
  integer i, j;
  always @* begin
    for (i = 0; i < R; i = i + 1) begin
      glb_addr[i*32 +: 32] = ws ? a_base + i * {16'd0, lda} + cnt : a_base + cnt * {16'd0, lda} + i;
      a_d[i*W +: W] = (iss_v && (ws ? i < k : i < m)) ? glb_data[i*W +: W] : {W{1'b0}};
      rtag_d[i*RTW +: RTW] = {i == {16'd0, m} - 1, i < m, tid, ZAW'(z_base + i * {16'd0, ldz})};
      wld_d[i] = wld && cnt == i;
    end
    for (j = 0; j < C; j = j + 1) begin
      glb_addr[(R+j)*32 +: 32] = b_base + cnt * {16'd0, ldb} + j;
      b_d[j*W +: W] = (iss_v && !ws && j < n) ? glb_data[(R+j)*W +: W] : {W{1'b0}};
      wdata_d[j*W +: W] = (wld && cnt < k && j < n) ? glb_data[(R+j)*W +: W] : {W{1'b0}};
      ctag_d[j*CTW +: CTW] = {iss_v, j < n, j == {16'd0, n} - 1, acc_init, fin,
                              ws && cnt == {16'd0, m} - 1 && j == {16'd0, n} - 1, tid,
                              ZAW'(z_base + cnt * {16'd0, ldz} + j)};
    end
  end

  // ---- the buffer's read pipeline: IN_LAT register stages (the operand register and
  // IN_LAT - 1 more); the weight loads, which skip the operand register on
  // rtl/einsim_top.v, cross the IN_LAT - 1 extra stages too, so the whole tile shifts --
  reg  [R*W-1:0]   a_q;
  reg  [R*RTW-1:0] rtag_q;
  reg  [C*W-1:0]   b_q;
  reg  [C*CTW-1:0] ctag_q;
  reg              av_q, first_q, last_q, ws_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_q <= {R*W{1'b0}}; rtag_q <= {R*RTW{1'b0}}; b_q <= {C*W{1'b0}}; ctag_q <= {C*CTW{1'b0}};
      av_q <= 1'b0; first_q <= 1'b0; last_q <= 1'b0; ws_q <= 1'b0;
    end else begin
      a_q <= a_d; rtag_q <= rtag_d; b_q <= b_d; ctag_q <= ctag_d;
      av_q <= iss_v;
      first_q <= iss_v && cnt == 32'd0;
      last_q <= iss_v && cnt + 32'd1 == (ws ? {16'd0, m} : {16'd0, k});
      if (iss_v) ws_q <= ws;
    end
  end
  wire [R*W-1:0]   a_p;
  wire [R*RTW-1:0] rtag_p;
  wire [C*W-1:0]   b_p, wdata;
  wire [C*CTW-1:0] ctag_p;
  wire             av_p, first_p, last_p;
  wire [R-1:0]     wld_row;
  einsim_delay #(.X(PW), .DEPTH(IN_LAT - 1)) u_rdpipe (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .d_i({a_q, rtag_q, b_q, ctag_q, av_q, first_q, last_q, wld_d, wdata_d}),
    .q_o({a_p, rtag_p, b_p, ctag_p, av_p, first_p, last_p, wld_row, wdata})
  );

  // ---- skew: row lane i and column lane j are delayed by i and j cycles --------------
  wire [R*W-1:0]   a_s;
  wire [R-1:0]     av_s, first_s, last_s;
  wire [R*RTW-1:0] rtag_s;
  wire [C*W-1:0]   b_s;
  wire [C*CTW-1:0] ctag_s;
  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_rskew
      einsim_delay #(.X(W + 3 + RTW), .DEPTH(gi)) u_d (
        .clk_i(clk_i), .rst_ni(rst_ni),
        .d_i({a_p[gi*W +: W], av_p, first_p, last_p, rtag_p[gi*RTW +: RTW]}),
        .q_o({a_s[gi*W +: W], av_s[gi], first_s[gi], last_s[gi], rtag_s[gi*RTW +: RTW]})
      );
    end
    for (gj = 0; gj < C; gj = gj + 1) begin : g_cskew
      einsim_delay #(.X(W + CTW), .DEPTH(gj)) u_d (
        .clk_i(clk_i), .rst_ni(rst_ni),
        .d_i({b_p[gj*W +: W], ctag_p[gj*CTW +: CTW]}),
        .q_o({b_s[gj*W +: W], ctag_s[gj*CTW +: CTW]})
      );
    end
  endgenerate

  // ---- accumulator buffer: C read ports at the top (WS accumulate), C write ports ----
  reg  [C*32-1:0] zr_addr, zw_addr;
  wire [C*A-1:0]  zr_data;
  reg  [C*A-1:0]  zw_data, ps_top;
  reg  [C-1:0]    zw_en;
  wire [A-1:0]    z_dbg;
  einsim_zbuf #(.A(A), .DEPTH(ZW), .NP(C), .BW(DBW)) u_zbuf (
    .clk_i(clk_i), .rd_addr_i(zr_addr), .rd_data_o(zr_data),
    .dma_en_i(dz_en), .dma_addr_i(dz_addr), .dma_data_o(dz_data),
    .wr_en_i(zw_en), .wr_addr_i(zw_addr), .wr_data_i(zw_data),
    .ld_we_i(ld_we_i && ld_sel_i == 4'd1), .ld_addr_i(ld_addr_i), .ld_data_i(ld_data_i[A-1:0]),
    .dbg_addr_i(rd_addr_i), .dbg_data_o(z_dbg)
  );

  // ---- the array ------------------------------------------------------------------------
  wire [C*A-1:0]   res, ps_bot;
  wire [C*CTW-1:0] ctag_bot, res_ctag;
  wire [C*RTW-1:0] res_rtag;
  wire [C-1:0]     res_v;
  einsim_gemm_array #(
    .R(R), .C(C), .W(W), .A(A), .RTW(RTW), .CTW(CTW),
    .FAULT(FAULT), .FAULT_SHIFT(F), .FAULT_ROW(R / 2), .FAULT_COL(C / 2)
  ) u_array (
    .clk_i(clk_i), .rst_ni(rst_ni), .ws_i(ws_q),
    .a_i(a_s), .av_i(av_s), .afirst_i(first_s), .alast_i(last_s), .rtag_i(rtag_s),
    .b_i(b_s), .ps_i(ps_top), .ctag_i(ctag_s), .wld_i(wld_row), .wdata_i(wdata),
    .ps_o(ps_bot), .ctag_o(ctag_bot),
    .res_o(res), .res_v_o(res_v), .res_rtag_o(res_rtag), .res_ctag_o(res_ctag)
  );

  // ---- write-back: OS results from the column buses, WS sums from the bottom row ------
  reg  [C*A-1:0] wb_acc;
  wire [C*W-1:0] wb_word;
  generate
    for (gj = 0; gj < C; gj = gj + 1) begin : g_round
      einsim_from_acc #(.A(A), .W(W), .F(F)) u_round (
        .acc_i(wb_acc[gj*A +: A]), .word_o(wb_word[gj*W +: W])
      );
    end
  endgenerate
  always @* begin
    for (j = 0; j < C; j = j + 1) begin
      zr_addr[j*32 +: 32] = {{(32-ZAW){1'b0}}, ctag_s[j*CTW +: ZAW]};
      ps_top[j*A +: A] = ctag_s[j*CTW + CT_INIT] ? zr_data[j*A +: A] : {A{1'b0}};
    end
  end
  reg [CTW-1:0] bt;
  reg [RTW-1:0] rt;
  reg [C-1:0]   wfinal;
  always @* begin
    end_v = {C{1'b0}};
    end_tid = {C*TIDW{1'b0}};
    for (j = 0; j < C; j = j + 1) begin
      bt = ctag_bot[j*CTW +: CTW];
      rt = res_rtag[j*RTW +: RTW];
      if (ws_q) begin
        wb_acc[j*A +: A] = ps_bot[j*A +: A];
        wfinal[j] = bt[CT_FINAL];
        zw_en[j] = bt[CT_V] && bt[CT_COLOK];
        zw_addr[j*32 +: 32] = {{(32-ZAW){1'b0}}, bt[ZAW-1:0]};
        end_v[j] = zw_en[j] && bt[CT_ENDM];
        end_tid[j*TIDW +: TIDW] = bt[ZAW +: TIDW];
      end else begin
        wb_acc[j*A +: A] = res[j*A +: A];
        wfinal[j] = res_ctag[j*CTW + CT_FINAL];
        zw_en[j] = res_v[j] && rt[RT_ROWOK] && res_ctag[j*CTW + CT_COLOK];
        zw_addr[j*32 +: 32] = {{(32-ZAW){1'b0}}, rt[ZAW-1:0]} + j;
        end_v[j] = zw_en[j] && rt[RT_ROWLAST] && res_ctag[j*CTW + CT_COLLAST];
        end_tid[j*TIDW +: TIDW] = rt[ZAW +: TIDW];
      end
    end
  end
  always @* begin
    for (j = 0; j < C; j = j + 1)
      zw_data[j*A +: A] = wfinal[j] ? {{(A-W){wb_word[j*W+W-1]}}, wb_word[j*W +: W]}
                                    : wb_acc[j*A +: A];
  end

  // ---- host read-back -----------------------------------------------------------------

  // ---- traffic counters (rd_sel 9, einsim_traffic): tensors 0 A, 1 B, 2 Z
  reg [C-1:0] zr_col;
  always @* begin
    for (j = 0; j < C; j = j + 1)
      zr_col[j] = ctag_s[j*CTW + CT_V] && ctag_s[j*CTW + CT_COLOK] && ctag_s[j*CTW + CT_INIT];
  end
  wire [4*32-1:0] g_rdinc = {64'd0, (!ws && iss_v) || (wld && cnt < {16'd0, k}) ? {16'd0, n} : 32'd0,
                             iss_v ? {16'd0, ws ? k : m} : 32'd0};
  wire [63:0] ctr;
  einsim_traffic #(.NT(4), .C(C)) u_traffic (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(start_i),
    .rd_inc_i(g_rdinc), .wr_inc_i(128'd0), .colrd_i(zr_col), .colwr_i(zw_en),
    .ld_n_i(dma_ld_n), .ld_t_i(dma_ld_t), .st_n_i(dma_st_n), .st_t_i(dma_st_t),
    .addr_i(rd_addr_i[5:0]), .data_o(ctr)
  );

  always @* begin
    case (rd_sel_i)
      4'd0:    rd_data_o = {{(65-W){glb_dbg[W-1]}}, glb_dbg[W-2:0]};
      4'd1:    rd_data_o = {{(65-A){z_dbg[A-1]}}, z_dbg[A-2:0]};
      4'd2,
      4'd3:    rd_data_o = {32'd0, stamp};
      4'd9:    rd_data_o = ctr;
      4'd12:   rd_data_o = {32'd0, rd_addr_i[0] ? dma_slots : dma_issued};
      default: rd_data_o = 64'd0;
    endcase
  end
endmodule

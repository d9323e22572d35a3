// einsim_dma.v — the DMA engine and DRAM port of a core (rtl/README.md, "DRAM and the
// DMA program"): executes a list of load / store commands in order, one command per
// cycle at most, each once its dependency holds, with any number of transfers in flight
// (up to QD loads and QD stores), over an AXI4-like memory port whose beats carry BW
// words.
// The program is a ring of CMDS slots (a power of two, einsim_ring) that the host keeps
// fed: command i (absolute, 32-bit) lives in slot i mod CMDS; the host writes commands
// and the tail (commands loaded so far, absolute) on its port clock hclk_i (ld_addr_i bit
// 31 selects the tail, else word ld_addr_i of the ring). The head command (pc) may issue
// only while pc < tail, else the DMA waits (it is not quiet). An issued command's fields
// are copied into its transfer queue, so its slot may be rewritten once issued_o has
// passed it.
//
// Command (4 x 64-bit words, loaded through ld_sel 7):
//   w0[7:0] op (0 END, 1 LOAD, 2 STORE), w0[9:8] tensor (the traffic counters' row:
//   GEMM 0 A, 1 B, 2 Z; attention 0 Q, 1 K, 2 V, 3 AV), w0[63:32] words; w1[31:0] DRAM
//   word address, w1[63:32] buffer word address (LOAD: the global buffer, or the
//   attention Q/K/V buffer; STORE: the accumulator buffer, or the attention output
//   buffer); w2[31:0] dependency: LOAD waits until the first w2 tiles (of the 2D queue,
//   in attention) have finished issuing (tiles_done_i >= w2), STORE waits until tile
//   w2 - 1 (of the 1D queue, in attention) has ended (w2 = 0: no wait).
// Loads write the R beats into the buffer (gw_*_o); stores read the buffer (zr_addr_o /
// zr_data_i, BW words a cycle, or zw_data_i when zsel_i) and send the low W bits of each
// word.
// issued_o counts the commands issued (the head command's absolute number), slots_o is
// CMDS (read back by the host, which must place commands by the same ring);
// loads_o / stores_o count the completed loads (last beat written) and stores (B
// response), fill_o the words of the oldest load in flight written so far; quiet_o says
// that after this clock edge nothing is pending; act_o that a transfer completes at this
// edge; ld_n_o / ld_t_o and st_n_o / st_t_o the words a load writes into the buffer and a
// store sends to DRAM in this cycle, and their tensors (for einsim_traffic).
module einsim_dma #(
  parameter integer W = 16,         // buffer / DRAM word bits
  parameter integer A = 32,         // accumulator buffer word bits
  parameter integer BW = 4,         // words per beat
  parameter integer CMDS = 64,      // command ring slots (a power of two)
  parameter integer TIDW = 6,
  parameter integer QD = 64         // transfers in flight per direction
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  input  wire              start_i,
  input  wire              hclk_i,        // host port clock (command and tail writes)
  input  wire              ld_we_i,
  input  wire [31:0]       ld_addr_i,
  input  wire [63:0]       ld_data_i,
  // dependencies from the sequencer
  input  wire [31:0]       tiles_done_i,  // tiles that have finished issuing
  output wire [TIDW-1:0]   qtile_o,       // the tile a store waits for ...
  input  wire              qended_i,      // ... has ended
  // memory port (master)
  output wire              arvalid_o,
  input  wire              arready_i,
  output wire [31:0]       araddr_o,
  output wire [31:0]       arlen_o,       // words in the burst
  input  wire              rvalid_i,
  output wire              rready_o,
  input  wire [BW*W-1:0]   rdata_i,
  input  wire              rlast_i,
  input  wire [31:0]       rwords_i,      // words in this beat (1 .. BW: the DRAM's pace)
  output wire              awvalid_o,
  input  wire              awready_i,
  output wire [31:0]       awaddr_o,
  output wire [31:0]       awlen_o,
  output wire              wvalid_o,
  input  wire              wready_i,
  output reg  [BW*W-1:0]   wdata_o,
  output wire              wlast_o,
  input  wire              bvalid_i,
  output wire              bready_o,
  // buffers
  output wire              gw_en_o,
  output wire [31:0]       gw_addr_o,
  output wire [31:0]       gw_n_o,        // words of the beat to write
  output wire [BW*W-1:0]   gw_data_o,
  output wire              zr_en_o,       // a store's data is read this cycle
  output wire [31:0]       zr_addr_o,
  input  wire [BW*A-1:0]   zr_data_i,     // the accumulator buffer's words at zr_addr_o ..
  input  wire              zsel_i,        // 1: stores read zw_data_i instead (attention's
  input  wire [BW*W-1:0]   zw_data_i,     // output buffer, W-bit words)
  // status and traffic
  output wire [31:0]       issued_o,      // commands issued so far (absolute)
  output wire [31:0]       slots_o,       // CMDS
  output reg  [31:0]       loads_o,
  output reg  [31:0]       stores_o,
  output wire [31:0]       fill_o,        // words of the oldest load in flight written so far
  output wire              quiet_o,
  output wire              act_o,
  output wire [31:0]       ld_n_o,        // words written into the buffer this cycle ...
  output wire [1:0]        ld_t_o,        // ... of this tensor
  output wire [31:0]       st_n_o,        // words sent to DRAM this cycle ...
  output wire [1:0]        st_t_o         // ... of this tensor
);
  localparam [7:0] OP_LOAD = 8'd1, OP_STORE = 8'd2;
  localparam integer QW = $clog2(QD);

  reg        run_q;
  reg [31:0] cp_q;

  // the ring and its host port; the head command's words, and whether it is loaded
  wire        avail;
  wire [63:0] w0, w1, w2, w3;
  einsim_ring #(.SLOTS(CMDS)) u_ring (
    .hclk_i(hclk_i), .rst_ni(rst_ni), .ld_we_i(ld_we_i), .ld_addr_i(ld_addr_i),
    .ld_data_i(ld_data_i), .head_i(cp_q), .avail_o(avail),
    .w0_o(w0), .w1_o(w1), .w2_o(w2), .w3_o(w3)
  );
  // the head's opcode; 8'hff (no command) while it is not loaded
  wire [7:0]  op = avail ? w0[7:0] : 8'hff;
  wire [31:0] dep = w2[31:0];
  assign issued_o = cp_q;
  assign slots_o = CMDS;

  // queues of transfers in flight: {tensor[1:0], buffer address, words}
  reg [65:0] lq [0:QD-1];
  reg [65:0] sq [0:QD-1];
  reg [QW:0] lq_n, sq_n;
  reg [QW-1:0] lq_h, lq_t, sq_h, sq_t;
  reg [31:0] l_done_w, s_sent_w;   // words of the head transfers moved so far
  reg [31:0] s_issued, s_acked;

  assign qtile_o = dep[TIDW-1:0] - 1'b1;
  wire dep_ok = (op == OP_LOAD) ? tiles_done_i >= dep : (dep == 32'd0 || qended_i);
  assign arvalid_o = run_q && op == OP_LOAD && dep_ok && {{(31-QW){1'b0}}, lq_n} < QD;
  assign awvalid_o = run_q && op == OP_STORE && dep_ok && {{(31-QW){1'b0}}, sq_n} < QD;
  assign araddr_o = w1[31:0];
  assign arlen_o  = w0[63:32];
  assign awaddr_o = w1[31:0];
  assign awlen_o  = w0[63:32];
  wire ar_hs = arvalid_o && arready_i;
  wire aw_hs = awvalid_o && awready_i;

  // read data: into the global buffer at the head load's address (the load issuing now,
  // when none is queued: with no latency its first beat comes in the request's cycle)
  wire [65:0] cur  = {w0[9:8], w1[63:32], w0[63:32]};
  wire [65:0] lh   = (lq_n != 0) ? lq[lq_h] : cur;
  assign rready_o  = 1'b1;
  assign fill_o    = (lq_n != 0) ? l_done_w : 32'd0;
  wire   r_hs      = rvalid_i && (lq_n != 0 || ar_hs);
  wire [31:0] l_left = lh[31:0] - l_done_w;
  assign gw_en_o   = r_hs;
  assign gw_addr_o = lh[63:32] + l_done_w;
  assign gw_n_o    = (rwords_i < l_left) ? rwords_i : l_left;
  assign gw_data_o = rdata_i;

  // write data: the head store (or the store issuing now, when none is queued)
  wire [65:0] sh = (sq_n != 0) ? sq[sq_h] : cur;
  wire        s_have = sq_n != 0 || aw_hs;
  wire [31:0] s_left = sh[31:0] - s_sent_w;
  assign zr_en_o   = s_have;
  assign zr_addr_o = sh[63:32] + s_sent_w;
  assign wvalid_o  = s_have;
  assign wlast_o   = s_left <= BW;
  wire   w_hs      = wvalid_o && wready_i;
  integer p;
  always @* begin   // only while a store sends data (the loop is BW words wide)
    wdata_o = {BW*W{1'b0}};
    if (s_have)
      for (p = 0; p < BW; p = p + 1)
        wdata_o[p*W +: W] = (p >= s_left) ? {W{1'b0}} : zsel_i ? zw_data_i[p*W +: W] : zr_data_i[p*A +: W];
  end
  assign bready_o = 1'b1;

  wire l_fin = r_hs && rlast_i;
  assign act_o = l_fin || bvalid_i;
  // nothing pending after this edge: no command left, every load's last beat and every
  // store's response in
  wire        l_push  = ar_hs && !(lq_n == 0 && l_fin);
  wire [QW:0] lq_next = lq_n + (l_push ? 1 : 0) - ((lq_n != 0 && l_fin) ? 1 : 0);
  assign quiet_o = avail && !(op == OP_LOAD || op == OP_STORE) && lq_next == 0 && sq_n == (w_hs && wlast_o ? 1 : 0)
                   && s_issued == s_acked + (bvalid_i ? 32'd1 : 32'd0) && !aw_hs;

  always @(posedge clk_i) begin
    if (l_push) lq[lq_t] <= cur;
    if (aw_hs && !(sq_n == 0 && w_hs && wlast_o)) sq[sq_t] <= cur;
  end

  wire [31:0] l_nw = gw_n_o;
  wire [31:0] s_nw = (s_left < BW) ? s_left : BW;
  assign ld_n_o = (run_q && r_hs) ? l_nw : 32'd0;
  assign ld_t_o = lh[65:64];
  assign st_n_o = (run_q && w_hs) ? s_nw : 32'd0;
  assign st_t_o = sh[65:64];
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0; cp_q <= 32'd0; lq_n <= 0; sq_n <= 0; lq_h <= 0; lq_t <= 0; sq_h <= 0;
      sq_t <= 0; l_done_w <= 32'd0; s_sent_w <= 32'd0; s_issued <= 32'd0; s_acked <= 32'd0;
      loads_o <= 32'd0; stores_o <= 32'd0;
    end else if (start_i) begin
      run_q <= 1'b1; cp_q <= 32'd0; lq_n <= 0; sq_n <= 0; lq_h <= 0; lq_t <= 0; sq_h <= 0;
      sq_t <= 0; l_done_w <= 32'd0; s_sent_w <= 32'd0; s_issued <= 32'd0; s_acked <= 32'd0;
      loads_o <= 32'd0; stores_o <= 32'd0;
    end else if (run_q) begin
      if (ar_hs || aw_hs) cp_q <= cp_q + 32'd1;
      if (l_push) lq_t <= lq_t + 1'b1;
      lq_n <= lq_next;
      if (r_hs) begin
        if (rlast_i) begin
          if (lq_n != 0) lq_h <= lq_h + 1'b1;
          l_done_w <= 32'd0; loads_o <= loads_o + 32'd1;
        end else begin
          l_done_w <= l_done_w + l_nw;
        end
      end
      // a store issuing now whose data all goes at once never enters the queue
      if (aw_hs) s_issued <= s_issued + 32'd1;
      if (aw_hs && !(sq_n == 0 && w_hs && wlast_o)) sq_t <= sq_t + 1'b1;
      sq_n <= sq_n + ((aw_hs && !(sq_n == 0 && w_hs && wlast_o)) ? 1 : 0)
                   - ((sq_n != 0 && w_hs && wlast_o) ? 1 : 0);
      if (w_hs) begin
        if (wlast_o) begin
          s_sent_w <= 32'd0;
          if (sq_n != 0) sq_h <= sq_h + 1'b1;
        end else begin
          s_sent_w <= s_sent_w + s_nw;
        end
      end
      if (bvalid_i) begin
        s_acked <= s_acked + 32'd1; stores_o <= stores_o + 32'd1;
      end
    end
  end
endmodule

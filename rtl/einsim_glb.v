// einsim_glb.v — the global buffer: DEPTH words of W bits, word-addressed, with NP
// combinational read ports (one per array row and column: an operand row per cycle),
// one load port (the host fills it before a run), one DMA write port (BW words of a
// memory-port beat) and one debug read port.
// Reads past DEPTH return 0. Not modelled: banking conflicts, SRAM read latency (the
// sequencer's operand register stands for it).
module einsim_glb #(
  parameter integer W = 16,        // word bits
  parameter integer DEPTH = 1024,  // words
  parameter integer NP = 8,        // read ports
  parameter integer BW = 1         // words of a DMA write (one memory-port beat)
) (
  input  wire           clk_i,
  input  wire [NP*32-1:0] rd_addr_i,
  output reg  [NP*W-1:0]  rd_data_o,
  input  wire           ld_we_i,
  input  wire [31:0]    ld_addr_i,
  input  wire [W-1:0]   ld_data_i,
  input  wire           dma_we_i,   // DMA: dma_n_i words at dma_addr_i ..
  input  wire [31:0]    dma_addr_i,
  input  wire [31:0]    dma_n_i,
  input  wire [BW*W-1:0] dma_data_i,
  input  wire [31:0]    dbg_addr_i,
  output wire [W-1:0]   dbg_data_o
);
  reg [W-1:0] mem [0:DEPTH-1];
  integer p;
  always @* begin
    for (p = 0; p < NP; p = p + 1)
      rd_data_o[p*W +: W] = (rd_addr_i[p*32 +: 32] < DEPTH) ? mem[rd_addr_i[p*32 +: 32]] : {W{1'b0}};
  end
  assign dbg_data_o = (dbg_addr_i < DEPTH) ? mem[dbg_addr_i] : {W{1'b0}};
  // The writes: the load port, and the DMA beat (word q of the beat into dma_addr_i + q),
  // as blocking assignments at the clock, in one loop that runs only in a cycle where the
  // DMA writes. Only the combinational read ports above read the memory, so the words
  // change at the clock edge as with non-blocking writes. (A non-blocking write of an
  // array element cannot sit in a loop the simulator does not unroll, and one block per
  // beat word tested and committed every word of the beat in every cycle: about 2,600
  // instructions per simulated cycle at a 229-word beat, DMA idle or not.)
  integer q;
  /* verilator lint_off BLKSEQ */
  always @(posedge clk_i) begin
    if (ld_we_i && ld_addr_i < DEPTH) mem[ld_addr_i] = ld_data_i;
    if (dma_we_i)
      for (q = 0; q < BW && q < dma_n_i; q = q + 1)
        if (dma_addr_i + q < DEPTH) mem[dma_addr_i + q] = dma_data_i[q*W +: W];
  end
  /* verilator lint_on BLKSEQ */
endmodule

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
  always @(posedge clk_i) begin
    if (ld_we_i && ld_addr_i < DEPTH) mem[ld_addr_i] <= ld_data_i;
  end
  // DMA beat: word q of the beat into dma_addr_i + q (one block per word: a beat may be
  // wider than a loop Verilator unrolls)
  genvar q;
  generate
    for (q = 0; q < BW; q = q + 1) begin : g_dma
      always @(posedge clk_i) begin
        if (dma_we_i && q < dma_n_i && dma_addr_i + q < DEPTH) mem[dma_addr_i + q] <= dma_data_i[q*W +: W];
      end
    end
  endgenerate
endmodule

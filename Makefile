# 两个命令（见 README.md）：
#   make book  在 .venv 中装好一切并构建 HTML 书到 _build/html（执行每个笔记本）
#   make test  运行全部测试：单元测试、每个笔记本在新环境里单独运行、逐页检查构建好的 HTML（无头 chromium）
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# 只装 CPU 版 torch：+cpu 这个本地版本号只匹配 CPU 构建，找不到时 pip 报错，而不是去拉几 GB 的 CUDA 版。
# 没有缓存 CPU 轮子的 Linux 机器：PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu make book
# macOS / Windows（PyPI 上的轮子本来就是 CPU 版）：make book TORCH=torch==2.13.0
TORCH ?= torch==2.13.0+cpu
# numpy 的 OpenBLAS 与 torch 的 OpenMP 都只用一个线程：书里的矩阵都小，多线程在两个笔记本并行执行时
# （pytest -n 2）互相争抢，反而慢几倍乃至几十倍；打印的数字不受影响。需要时笔记本自己调 torch.set_num_threads。
export OPENBLAS_NUM_THREADS = 1
export OMP_NUM_THREADS = 1

.PHONY: book pdf release test check export setup-cells full-runs images assignments grade clean

# WORDVEC_RNN_STATIC_SLIDERS=1：带滑块的图在构建时把每组取值预先画好，嵌进静态 HTML（wordvec_rnn.sliders）
# wordvec_book.execute 先把改过的笔记本两个一起执行进 jupyter-book 的执行缓存（量墙钟时间的单独执行），
# jupyter-book 随后从缓存里取输出
book: export WORDVEC_RNN_STATIC_SLIDERS = 1
book: $(VENV)/.installed
	$(BIN)/python -m wordvec_book.execute
	$(BIN)/jupyter-book build --warningiserror --keep-going .

# PDF 版：先完成 make book，再用 Sphinx 的 LaTeX 构建器与 xelatex 从同一批执行过的笔记本（构建缓存）排成
# _build/pdf/wordvec-rnn.pdf，最后重建网页书，让「如何使用本书」链接它。要装的 Debian 包见 README（make book、
# make test 都不需要它们；make test 在装有 xelatex 的机器上先 make pdf，再检查 PDF）
PDF := _build/pdf/wordvec-rnn.pdf
pdf: export WORDVEC_RNN_STATIC_SLIDERS = 1
pdf: book
	$(BIN)/jupyter-book build --warningiserror --keep-going --builder pdflatex .
	mkdir -p $(dir $(PDF)) && cp _build/latex/book.pdf $(PDF)
	$(BIN)/jupyter-book build --warningiserror --keep-going .

# 发布这一版（不联网）：读者的包与工具包的轮子和源码包、网页书、课堂作业的三种包、（装有 xelatex 时）PDF 版，
# 连同 SHA256SUMS 放进 _build/release/<版本>/；先核对各处的版本一致。版本号只写在 code/pyproject.toml 里，
# 每一版在 CHANGELOG.md 里写一节。make test 先做它：测试检查这些产物，并用其中的轮子单独运行笔记本
release: book assignments
	@if command -v xelatex >/dev/null; then $(MAKE) --no-print-directory pdf; else echo "没有 xelatex：这一版的产物里没有 PDF 版，test_pdf 跳过"; fi
	$(BIN)/python -m wordvec_book.release

# OMP_WAIT_POLICY=PASSIVE：pytest -n 2 常常同时执行两个调用 torch.set_num_threads(2) 的笔记本，两核上就有四个
# OpenMP 线程；默认的线程在屏障处空转等待，互相抢 CPU，字符级语言模型的训练单元从单独执行的约 8 s 变成 330 s。
# 让等待的线程睡眠，同样的情形约 12 s（单独执行几乎不变）。只对测试设：书里 glue 的速度仍按默认设置测得。
test: release
	OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest

# 作者的快速检查（两核上不到 2 分钟）：静态检查、导出的模块与首单元跟笔记本一致、单元测试（不建书、不执行笔记本、
# 不在沙箱里给整班评分；这些都在 make test 里）
check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m wordvec_book.export --check
	$(BIN)/python -m wordvec_book.setup_cell --check
	$(BIN)/python -m pytest -q -m unit code/tests

# 把笔记本中标记 #@save 的单元导出到 code/wordvec_rnn/
export: $(VENV)/.installed
	$(BIN)/python -m wordvec_book.export

# 按 _config.yml 里的仓库地址重写 _toc.yml 中每个笔记本的第一个代码单元（新环境里先装上本书的包）与插图网址；
# 只检查：python -m wordvec_book.setup_cell --check
setup-cells: $(VENV)/.installed
	$(BIN)/python -m wordvec_book.setup_cell

# 完整运行：把每个笔记本的 FULL_RUN 开关改成 True 从头执行（合计约 20 分钟），结果连同日期与机器写进
# code/wordvec_rnn/full_runs.json，正文里完整设置下的数都从这个文件 glue 出来。只跑一个：
# make full-runs ONLY=02_rnn/05_char_lm
# 词向量探索器（01_word2vec/06_explorer）另把完整设置下的数据存进 code/wordvec_rnn/full_run_artifacts/（只留在本机，
# 不提交），此后在本机构建就用它；删掉这个目录之后先 make clean，构建缓存里还是旧的输出。
full-runs: $(VENV)/.installed
	$(BIN)/python -m wordvec_book.full_runs $(if $(ONLY),--only $(ONLY))

# 课堂作业（见 book/teachers_guide.md）：生成学生版、教师版与评分包到 _build/assignments/
assignments: $(VENV)/.installed
	$(BIN)/python -m wordvec_classroom.generate

# 给一个班评分：make grade A=01_skipgram SUBMISSIONS=交上来的/01_skipgram/（成绩表与反馈写到 _build/grades/<作业>/）
# 用已经发下去的评分包，从不重新生成；每份提交在 bwrap 沙箱里运行（Debian 包 bubblewrap）
grade: $(VENV)/.installed
	@test -n "$(A)" -a -n "$(SUBMISSIONS)" || { echo "用法：make grade A=01_skipgram SUBMISSIONS=交上来的/01_skipgram/"; exit 2; }
	@test -f _build/assignments/autograder/$(A).zip || { echo "没有 _build/assignments/autograder/$(A).zip：先 make assignments 生成并发放"; exit 2; }
	$(BIN)/python -m wordvec_classroom.grade _build/assignments/autograder/$(A).zip $(SUBMISSIONS) $(ARGS)

# 重新画 images/ 下由代码绘制的图
images: $(VENV)/.installed
	$(BIN)/python -m wordvec_book.diagrams

$(VENV)/.installed: requirements.txt code/pyproject.toml tools/pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m wordvec_rnn.corpora  # 预先解析英文维基节选并缓存到磁盘（约 6 秒；笔记本里不再等它）
	touch $@

clean:
	rm -rf _build
